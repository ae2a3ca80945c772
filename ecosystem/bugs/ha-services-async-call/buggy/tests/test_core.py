import pytest


async def test_serviceregistry_async_service_raise_exception(hass):
    async def service_handler():
        raise ValueError

    hass.services.async_register("test_domain", "register_calls", service_handler)

    with pytest.raises(ValueError):
        await hass.services.async_call("test_domain", "register_calls", blocking=True)

    # non-blocking service call never throw exception
    hass.services.async_call("test_domain", "register_calls", blocking=False)
