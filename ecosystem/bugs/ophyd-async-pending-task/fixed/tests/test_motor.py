import asyncio

from ophyd_async.motor import SimMotor


async def test_motor_moves():
    motor = SimMotor()
    move = asyncio.create_task(motor.set(5.0))
    assert motor.position == 0.0
    await move
    assert motor.position == 5.0
