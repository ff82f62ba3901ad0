"""The production settings the README promises are the ones the code uses."""
from __future__ import annotations

import redis

from brewline.cli.processes import gunicorn_args
from brewline.platform import embedded_redis


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_gunicorn_gives_up_on_a_request_before_twilio_does_at_15_seconds():
    args = gunicorn_args("brewline.web:create_app()", "127.0.0.1", "5000", "2", "4")
    assert int(option(args, "--timeout")) < 15
    assert int(option(args, "--graceful-timeout")) < 15
    assert (option(args, "--workers"), option(args, "--threads")) == ("2", "4")


def test_the_embedded_redis_persists_every_second_and_never_evicts_jobs(tmp_path):
    url = embedded_redis.ensure(tmp_path)
    client = redis.Redis.from_url(url)
    try:
        config = client.config_get("*")
        assert config["appendonly"] == "yes" and config["appendfsync"] == "everysec"
        assert config["maxmemory-policy"] == "noeviction"
    finally:
        client.shutdown(nosave=True)
        client.close()
