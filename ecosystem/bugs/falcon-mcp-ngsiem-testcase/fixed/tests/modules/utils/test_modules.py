import unittest
from unittest.mock import MagicMock

from falcon_mcp.client import FalconClient


class TestModules(unittest.TestCase):
    def setup_module(self, module_class):
        self.mock_client = MagicMock(spec=FalconClient)
        self.module = module_class(self.mock_client)
