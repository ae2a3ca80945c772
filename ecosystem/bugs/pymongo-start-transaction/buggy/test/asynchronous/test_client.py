from test.asynchronous import AsyncIntegrationTest


class TestClient(AsyncIntegrationTest):
    async def test_client_checkout_setup_failure_unpins_session(self):
        client = await self.async_rs_or_single_client()

        async with client.start_session() as session:
            session.start_transaction()
            with self.assertRaises(RuntimeError):
                raise RuntimeError("simulated post-pin failure")

        self.assertIsNotNone(session._transaction)
