from tests.invites_fixtures import cli, registered, settings  # noqa: F401
