import asyncio

from vllm_mlx.engine import Engine


def test_generate_returns_text():
    engine = Engine()
    result = asyncio.get_event_loop().run_until_complete(engine.generate("hi"))
    assert result == "HI"
