class FalconClient:
    def command(self, operation, **kwargs):
        raise NotImplementedError
