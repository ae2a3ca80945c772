from test_framework.ssot.base_test_case import SSotAsyncTestCase


class TestContextValidation(SSotAsyncTestCase):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.context = {"user_id": "u1"}

    def test_context_has_user(self):
        self.assertEqual(self.context["user_id"], "u1")
