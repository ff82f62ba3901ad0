"""What the phone line says is plain; what it texts fits in one or two GSM-7 segments."""
import pytest

from brewline.calls.words import TEXTS, VOICE
from flows.readability import check_text, encoding


@pytest.mark.parametrize("key", sorted(VOICE))
def test_every_spoken_line_is_plain_and_short_sentenced(key):
    assert check_text(VOICE[key], f"VOICE.{key}", spoken=True) == []


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_the_call_channel_sends_is_cheap_and_plain(key):
    assert check_text(TEXTS[key], f"TEXTS.{key}") == []
    assert encoding(TEXTS[key]).name == "GSM-7"
