import asyncio

from vllm_mlx.engine import Engine


def test_generate_returns_text():
    engine = Engine()
    result = asyncio.run(engine.generate("hi"))
    assert result == "HI"
