class AsyncSubtensor:
    def __init__(self, network="mock"):
        self.network = network
        self.balances = {"alice": 10}

    async def get_balance(self, who):
        return self.balances.get(who, 0)

    async def transfer(self, src, dst, amount):
        self.balances[src] -= amount
        self.balances[dst] = self.balances.get(dst, 0) + amount
        return True
