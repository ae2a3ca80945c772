import time


class Job:
    def __init__(self, runtime):
        self.started = time.monotonic()
        self.runtime = runtime

    async def status(self):
        return "succeeded" if time.monotonic() - self.started >= self.runtime else "running"
