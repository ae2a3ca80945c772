async def test_call_later_registers(timer_manager):
    timer_manager.call_later(10, lambda: None)
    assert len(timer_manager.handles) == 1
