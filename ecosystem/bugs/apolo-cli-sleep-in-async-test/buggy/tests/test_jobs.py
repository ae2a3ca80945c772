import time

from neuro_sdk.jobs import Job


async def test_job_finishes():
    job = Job(runtime=0.05)
    assert await job.status() == "running"
    time.sleep(0.1)
    assert await job.status() == "succeeded"
