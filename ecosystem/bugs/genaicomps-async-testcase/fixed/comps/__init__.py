async def opea_microservices_call(name, payload):
    return {"service": name, "echo": payload}
