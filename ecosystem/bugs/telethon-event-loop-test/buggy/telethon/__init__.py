class Connection:
    def __init__(self, loop):
        self.loop = loop
