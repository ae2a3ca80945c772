class Tortoise:
    apps: dict = {}
    _inited = False
