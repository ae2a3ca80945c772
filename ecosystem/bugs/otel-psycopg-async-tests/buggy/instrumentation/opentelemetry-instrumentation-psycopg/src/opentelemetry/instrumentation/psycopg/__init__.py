class PsycopgInstrumentor:
    def instrument(self):
        pass

    def uninstrument(self):
        pass
