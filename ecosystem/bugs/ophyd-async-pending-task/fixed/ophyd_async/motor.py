import asyncio


class SimMotor:
    def __init__(self):
        self.position = 0.0

    async def set(self, value):
        await asyncio.sleep(0.01)
        self.position = value
