class ServiceRegistry:
    def __init__(self):
        self._services = {}

    def async_register(self, domain, service, handler):
        self._services[(domain, service)] = handler

    async def async_call(self, domain, service, blocking=False):
        handler = self._services[(domain, service)]
        result = handler()
        if blocking:
            return await result
        return None


class HomeAssistant:
    def __init__(self):
        self.services = ServiceRegistry()
        self.data = {}
