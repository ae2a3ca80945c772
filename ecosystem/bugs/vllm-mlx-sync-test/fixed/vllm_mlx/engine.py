class Engine:
    async def generate(self, prompt):
        return prompt.upper()
