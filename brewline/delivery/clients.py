"""One Twilio client and one rate limiter per process and account, not one per job.

Opening a connection per message halves throughput, so the pooled keep-alive client is
kept for the life of the process (keyed by the settings it was made from).
"""
from __future__ import annotations

from brewline.delivery.rate_limit import RateLimiter
from brewline.delivery.twilio_rest import TwilioRest, make_client
from brewline.platform.runtime import Runtime

_twilio: dict[tuple, TwilioRest] = {}
_limiters: dict[tuple, RateLimiter] = {}


def twilio(runtime: Runtime) -> TwilioRest:
    """This process's TwilioRest for the runtime's account and number."""
    s = runtime.settings
    key = (s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base_url,
           s.twilio_phone_number)
    if key not in _twilio:
        client = make_client(s.twilio_account_sid, s.twilio_auth_token, s.twilio_api_base_url)
        _twilio[key] = TwilioRest(client, s.twilio_phone_number)
    return _twilio[key]


def limiter(runtime: Runtime) -> RateLimiter:
    """The send-rate limiter, shared through Redis with every other worker."""
    key = (id(runtime.redis), runtime.settings.send_rate)
    if key not in _limiters:
        _limiters[key] = RateLimiter(runtime.redis, runtime.settings.send_rate)
    return _limiters[key]
