import time

from backend.debounce import Debouncer


async def test_second_event_after_window_is_accepted():
    debouncer = Debouncer(window=0.05)
    assert await debouncer.accept("motion")
    time.sleep(0.1)
    assert await debouncer.accept("motion")
