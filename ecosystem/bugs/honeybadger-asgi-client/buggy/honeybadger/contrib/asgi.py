class ASGIHoneybadger:
    def __init__(self, app):
        self.app = app
        self.notified = []

    async def __call__(self, scope, receive, send):
        try:
            await self.app(scope, receive, send)
        except Exception as error:
            self.notified.append(error)
            raise
