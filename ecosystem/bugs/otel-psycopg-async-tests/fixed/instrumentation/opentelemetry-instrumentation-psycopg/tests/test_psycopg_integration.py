from unittest import IsolatedAsyncioTestCase, mock

import psycopg
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.test.test_base import TestBase


class PostgresqlIntegrationTestMixin:
    def setUp(self):
        super().setUp()
        self.connection_mock = mock.patch("psycopg.AsyncConnection.connect")
        self.connection_mock.start()

    def tearDown(self):
        super().tearDown()
        self.memory_exporter.clear()
        mock.patch.stopall()


class TestPostgresqlIntegration(PostgresqlIntegrationTestMixin, TestBase):
    def test_instrumentor(self):
        PsycopgInstrumentor().instrument()
        self.assertEqual(len(self.memory_exporter.get_finished_spans()), 0)


class TestPostgresqlAsyncIntegration(PostgresqlIntegrationTestMixin, TestBase, IsolatedAsyncioTestCase):
    async def test_instrumentor_with_async_connection_class(self):
        PsycopgInstrumentor().instrument()
        acnx = await psycopg.AsyncConnection.connect(database="test")
        async with acnx as cnx:
            await cnx.execute("SELECT * FROM test")
        self.assertEqual(len(self.memory_exporter.get_finished_spans()), 1)
