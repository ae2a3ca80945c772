class AsyncDatabase:
    def __init__(self, client, name: str):
        self._client = client
        self.name = name

    async def command(self, command, *args, **kwargs):
        return {"ok": 1}
