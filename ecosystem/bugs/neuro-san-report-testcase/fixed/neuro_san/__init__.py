class TokenReport:
    def __init__(self):
        self.calls = []

    async def record(self, agent, tokens):
        self.calls.append((agent, tokens))

    def total(self):
        return sum(tokens for _, tokens in self.calls)
