"""looplint: catch event-loop misuse in Python test code before the tests run."""

__version__ = "0.1.0"
