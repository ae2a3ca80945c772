class OrderBookTracker:
    def __init__(self):
        self.books = {}

    async def start(self):
        self.books["BTC-USDT"] = []
