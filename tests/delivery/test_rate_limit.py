"""The shared send-rate limit, counted from the times the fake Twilio saw each request."""
from __future__ import annotations

from threading import Thread

from brewline.delivery.rate_limit import RateLimiter, window_for
from brewline.delivery.sending import deliver
from brewline.platform.runtime import Runtime
from tests.delivery.outbox_rows import a_contact, a_text
from tests.fakes.twilio_api import busiest_second
from workers import context


def test_several_workers_together_never_exceed_the_rate_in_any_second(sender, fake):
    limited = Runtime(sender.settings.with_(send_rate=5))
    context.use(limited)
    ids = [a_text(limited, a_contact(limited)) for _ in range(16)]
    threads = [Thread(target=lambda part=ids[n::4]: [deliver(limited, i) for i in part])
               for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    limited.close()

    assert len(fake.messages) == 16
    times = [r["at"] for r in fake.requests]
    assert busiest_second(times) <= 5, [round(t - times[0], 3) for t in times]


def test_a_limiter_hands_out_no_more_slots_than_the_rate_and_says_how_long_to_wait(runtime):
    limiter = RateLimiter(runtime.redis, rate=3, key="test:rate")

    waits = [limiter.try_take(f"t{n}") for n in range(4)]
    for n in range(3):
        limiter.done(f"t{n}")

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert 0 < waits[3] and 0 < limiter.try_take("t3") <= 1.05


def test_a_slot_still_in_flight_is_not_counted_as_over(runtime):
    limiter = RateLimiter(runtime.redis, rate=1, key="test:flight")

    assert limiter.try_take("first") == 0.0
    assert limiter.try_take("second") > 25  # held until the first request is answered


def test_a_rate_of_zero_turns_the_limit_off(runtime):
    limiter = RateLimiter(runtime.redis, rate=0, key="test:off")

    assert [limiter.try_take() for _ in range(50)] == [0.0] * 50


def test_fractional_rates_allow_one_message_per_longer_window():
    assert window_for(0.5)[0] == 1 and window_for(0.5)[1] > 2_000_000
    assert window_for(10) == (10, 1_050_000)


def test_counting_windows_finds_the_busiest_second():
    assert busiest_second([0.0, 0.5, 0.99, 1.0, 1.2, 5.0]) == 4
    assert busiest_second([5.0, 1.2, 0.0, 1.0, 0.99, 0.5]) == 4  # threads log out of order
