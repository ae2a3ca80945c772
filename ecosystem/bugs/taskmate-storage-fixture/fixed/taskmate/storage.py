class Storage:
    def __init__(self):
        self.data = None

    async def async_load(self):
        self.data = {"chores": []}
        return self.data
