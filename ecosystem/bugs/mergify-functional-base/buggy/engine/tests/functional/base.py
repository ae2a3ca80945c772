import unittest


class FunctionalTestBase(unittest.TestCase):
    """Sets up a fake repository for each scenario."""

    def setUp(self):
        super().setUp()
        self.pulls = {}

    def create_pr(self, number):
        self.pulls[number] = {"state": "open", "refreshed": False}
        return number

    async def run_engine(self):
        for pull in self.pulls.values():
            pull["refreshed"] = True
