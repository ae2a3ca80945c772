from helpers import FakePage


async def test_fullscreen_modal():
    page = FakePage()
    await page.click("#fullscreen")
    assert await page.is_fullscreen()
