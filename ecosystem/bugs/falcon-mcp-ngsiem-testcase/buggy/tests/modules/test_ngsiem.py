import unittest
from unittest.mock import AsyncMock, patch

import pytest

from falcon_mcp.modules.ngsiem import NGSIEMModule
from tests.modules.utils.test_modules import TestModules


class TestNGSIEMModule(TestModules):
    def setUp(self):
        self.setup_module(NGSIEMModule)

    @pytest.mark.asyncio
    @patch("falcon_mcp.modules.ngsiem.asyncio.sleep", new_callable=AsyncMock)
    async def test_search_ngsiem_success(self, mock_sleep):
        start = {"status_code": 200, "body": {"id": "job-1"}}
        poll = {"status_code": 200, "body": {"done": True, "events": [{"a": 1}]}}
        self.mock_client.command.side_effect = [start, poll]

        result = await self.module.search_ngsiem(query_string="#event_simpleName=ProcessRollup2", start="1d")

        self.assertEqual(result, [{"a": 1}])

    @pytest.mark.asyncio
    async def test_search_ngsiem_missing_job_id(self):
        self.mock_client.command.return_value = {"status_code": 200, "body": {}}
        with self.assertRaises(KeyError):
            await self.module.search_ngsiem(query_string="x", start="1d")


if __name__ == "__main__":
    unittest.main()
