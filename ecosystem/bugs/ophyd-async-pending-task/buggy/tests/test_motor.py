import asyncio

from ophyd_async.motor import SimMotor


async def test_motor_moves():
    motor = SimMotor()
    asyncio.create_task(motor.set(5.0))
    assert motor.position == 0.0
