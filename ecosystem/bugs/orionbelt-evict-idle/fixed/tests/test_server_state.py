import unittest

from orionbelt.state import ServerState


class TestServerState(unittest.IsolatedAsyncioTestCase):
    def test_starts_empty(self):
        self.assertEqual(ServerState().session_count, 0)

    async def test_evict_idle_sessions(self):
        state = ServerState(idle_seconds=0)
        state.open_session("a")
        await state.evict_idle_sessions()
        self.assertEqual(state.session_count, 0)
