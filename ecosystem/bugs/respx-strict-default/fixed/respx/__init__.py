class MockRouter:
    def __init__(self):
        self.routes = {}

    def get(self, url, status):
        self.routes[url] = status

    async def handle(self, url):
        return self.routes.get(url, 404)
