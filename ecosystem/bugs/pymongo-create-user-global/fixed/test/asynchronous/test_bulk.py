from test.asynchronous import AsyncIntegrationTest, async_client_context


class AsyncBulkAuthorizationTestBase(AsyncIntegrationTest):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        await async_client_context.create_user(self.db.name, "readonly", "pw", ["read"])
        await self.db.command("createRole", "noremove", privileges=[], roles=[])

        await async_client_context.create_user(self.db.name, "noremove", "pw", ["noremove"])

    async def asyncTearDown(self):
        await self.db.command("dropRole", "noremove")


class TestBulkAuthorization(AsyncBulkAuthorizationTestBase):
    async def test_no_remove(self):
        self.assertEqual(self.db.name, "pymongo_test")
