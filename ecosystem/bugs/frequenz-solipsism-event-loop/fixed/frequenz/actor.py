import asyncio


class FcrActor:
    async def respond(self, deviation):
        await asyncio.sleep(30)
        return -deviation
