pytest_plugins = ("pytest_asyncio",)
