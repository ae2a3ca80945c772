from procrastinate.store import BaseJobStore


class InMemoryJobStore(BaseJobStore):
    def __init__(self):
        super().__init__()
        self.jobs = []

    async def defer_job(self, job):
        self.jobs.append(job)
        return len(self.jobs)
