class AsyncTransport:
    def __init__(self, loop=None):
        self.loop = loop

    async def perform_request(self, method, url):
        return {"method": method, "url": url}
