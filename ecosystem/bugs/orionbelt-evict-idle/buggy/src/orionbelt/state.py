import time


class ServerState:
    def __init__(self, idle_seconds=300):
        self.idle_seconds = idle_seconds
        self._sessions = {}

    @property
    def session_count(self):
        return len(self._sessions)

    def open_session(self, name):
        self._sessions[name] = time.monotonic()

    async def evict_idle_sessions(self):
        now = time.monotonic()
        for name, seen in list(self._sessions.items()):
            if now - seen >= self.idle_seconds:
                del self._sessions[name]
