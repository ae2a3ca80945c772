class AxisDevice:
    def __init__(self, host):
        self.host = host
        self.closed = False

    async def close(self):
        self.closed = True
