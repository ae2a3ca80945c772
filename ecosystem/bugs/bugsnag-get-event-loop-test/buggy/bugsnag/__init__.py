import asyncio


def notify_later(loop, callback):
    return loop.call_soon(callback)
