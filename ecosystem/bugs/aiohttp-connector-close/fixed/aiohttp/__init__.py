from .client import ClientSession
from .connector import BaseConnector, TCPConnector

__all__ = ("BaseConnector", "ClientSession", "TCPConnector")
