async def handle_http(scope):
    if scope["path"] == "/health":
        return 200, b"ok"
    return 404, b""
