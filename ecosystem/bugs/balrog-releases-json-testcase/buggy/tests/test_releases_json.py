import unittest

import pytest

from balrog.releases import ReleasesJSON


class TestReleasesJSON(unittest.TestCase):
    def setUp(self):
        self.table = ReleasesJSON()

    @pytest.mark.asyncio
    async def testInsertCreatesCorrectHistory(self):
        await self.table.insert("Firefox", {"schema": 9})
        self.assertEqual(self.table.history, [("insert", "Firefox")])

    @pytest.mark.asyncio
    async def testUpdateCreatesCorrectHistory(self):
        await self.table.update("Firefox", {"schema": 9})
        self.assertEqual(self.table.history, [("update", "Firefox")])
