"""The contacts tests run in local mode, like the events tests they came from."""
from tests.events.fixtures import cli, registered, settings  # noqa: F401
