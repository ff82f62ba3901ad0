"""The runtime a worker process builds for itself, from the environment, without Flask."""
from __future__ import annotations

from service.runtime import Runtime
from service.settings import from_env

_runtime: Runtime | None = None


def runtime() -> Runtime:
    """This process's runtime, built on first use."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime(from_env())
        _register()
    return _runtime


def use(value: Runtime | None) -> None:
    """Run jobs in this process against `value` (tests and the all-in-one command)."""
    global _runtime
    _runtime = value
    _register()


def _register() -> None:
    from service import invite_hooks

    invite_hooks.register()


# One Twilio client (and its pooled keep-alive connections) per process and account,
# not one per job: opening a connection per message halves throughput.
_twilio: dict[tuple, object] = {}
_limiters: dict[tuple, object] = {}


def twilio(runtime: Runtime):
    """This process's TwilioRest for the runtime's account and number."""
    from workers.twilio_rest import TwilioRest, make_client

    s = runtime.settings
    key = (s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base_url,
           s.twilio_phone_number)
    if key not in _twilio:
        client = make_client(s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base_url)
        _twilio[key] = TwilioRest(client, s.twilio_phone_number)
    return _twilio[key]


def limiter(runtime: Runtime):
    """The send-rate limiter, shared through Redis with every other worker."""
    from workers.rate_limit import RateLimiter

    key = (id(runtime.redis), runtime.settings.send_rate)
    if key not in _limiters:
        _limiters[key] = RateLimiter(runtime.redis, runtime.settings.send_rate)
    return _limiters[key]
