import asyncio


class Agent:
    async def reply(self, text: str) -> str:
        await asyncio.sleep(0)
        return "hello" if text == "hi" else "?"

    async def is_ready(self) -> bool:
        return True
