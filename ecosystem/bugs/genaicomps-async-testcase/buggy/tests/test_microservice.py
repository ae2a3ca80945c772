import unittest

from comps import opea_microservices_call


class TestMicroService(unittest.TestCase):
    async def test_echo(self):
        result = await opea_microservices_call("s1", {"text": "hi"})
        self.assertEqual(result["echo"], {"text": "hi"})
