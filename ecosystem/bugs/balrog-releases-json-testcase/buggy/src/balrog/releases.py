class ReleasesJSON:
    def __init__(self):
        self.history = []

    async def insert(self, name, data):
        self.history.append(("insert", name))

    async def update(self, name, data):
        self.history.append(("update", name))
