async def test_defer_job(job_store):
    assert await job_store.defer_job({"task": "a"}) == 1


async def test_listen_for_jobs_run(job_store):
    await job_store.listen_for_jobs(queues=["a", "b"])
    assert job_store.listening == ["a", "b"]
