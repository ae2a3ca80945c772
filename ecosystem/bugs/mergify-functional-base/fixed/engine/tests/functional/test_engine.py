from engine.tests.functional import base


class TestEngineScenario(base.FunctionalTestBase):
    def test_create_pr(self):
        self.assertEqual(self.create_pr(1), 1)

    async def test_command_refresh(self):
        number = self.create_pr(1)
        await self.run_engine()
        self.assertTrue(self.pulls[number]["refreshed"])
