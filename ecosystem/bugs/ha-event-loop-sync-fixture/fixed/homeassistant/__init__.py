class TimerManager:
    def __init__(self, loop):
        self.loop = loop
        self.handles = []

    def call_later(self, delay, callback):
        self.handles.append(self.loop.call_later(delay, callback))
