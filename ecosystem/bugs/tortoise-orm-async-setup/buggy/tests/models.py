class Signals:
    """Stands in for the project's ORM model: create() is a coroutine."""

    def __init__(self, name):
        self.name = name

    @classmethod
    async def create(cls, name):
        return cls(name)
