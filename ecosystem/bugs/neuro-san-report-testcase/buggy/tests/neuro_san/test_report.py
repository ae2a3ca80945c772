from unittest import TestCase

import pytest

from neuro_san import TokenReport


class TestReport(TestCase):
    @pytest.mark.asyncio
    async def test_report_counts_each_agents_own_calls_exactly_once(self):
        report = TokenReport()
        await report.record("a", 3)
        await report.record("b", 4)
        self.assertEqual(report.total(), 7)
