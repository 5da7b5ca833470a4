"""Store tests share the import tests' private copy of the demo database (`db`)."""

from tests.ingest.conftest import db  # noqa: F401 - a fixture
