import unittest

from balrog.releases import ReleasesJSON


class TestReleasesJSON(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.table = ReleasesJSON()

    async def testInsertCreatesCorrectHistory(self):
        await self.table.insert("Firefox", {"schema": 9})
        self.assertEqual(self.table.history, [("insert", "Firefox")])

    async def testUpdateCreatesCorrectHistory(self):
        await self.table.update("Firefox", {"schema": 9})
        self.assertEqual(self.table.history, [("update", "Firefox")])
