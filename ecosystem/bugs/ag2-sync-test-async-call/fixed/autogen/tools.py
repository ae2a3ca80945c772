async def verify_credentials(credentials):
    if not credentials.get("api_key"):
        raise ValueError("missing api_key")
    return True
