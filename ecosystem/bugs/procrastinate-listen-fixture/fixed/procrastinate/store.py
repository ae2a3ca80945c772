class BaseJobStore:
    def __init__(self):
        self.listening = []

    async def listen_for_jobs(self, queues=None):
        self.listening.extend(queues or ["*"])

    async def defer_job(self, job):
        raise NotImplementedError
