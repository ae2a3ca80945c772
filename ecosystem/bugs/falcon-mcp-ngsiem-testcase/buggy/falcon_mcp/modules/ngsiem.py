import asyncio


class NGSIEMModule:
    def __init__(self, client):
        self.client = client

    async def search_ngsiem(self, query_string, start, repository="search-all"):
        started = self.client.command("StartSearchV1", body={"queryString": query_string, "start": start})
        while True:
            polled = self.client.command("GetSearchStatusV1", id=started["body"]["id"])
            if polled["body"].get("done"):
                return polled["body"]["events"]
            await asyncio.sleep(1)
