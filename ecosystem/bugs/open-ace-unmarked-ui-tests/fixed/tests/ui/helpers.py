class FakePage:
    def __init__(self):
        self.clicked = []

    async def click(self, selector):
        self.clicked.append(selector)

    async def is_fullscreen(self):
        return "#fullscreen" in self.clicked
