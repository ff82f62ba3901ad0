"""What the phone line says is plain; what it texts fits in one or two GSM-7 segments."""
import pytest

from flows.readability import check_text, encoding
from flows.words import catalogues, words

LINES = catalogues()["en"].lines
VOICE = sorted(key for key in LINES if key.startswith("voice."))
TEXTS = sorted(key for key in LINES if key.startswith("call_texts."))


@pytest.mark.parametrize("key", VOICE)
def test_every_spoken_line_is_plain_and_short_sentenced(key):
    said = words(key, "en", words="questions about buses", key=2)
    assert check_text(said, key, spoken=True) == []


@pytest.mark.parametrize("key", TEXTS)
def test_every_text_the_call_channel_sends_is_cheap_and_plain(key):
    assert check_text(words(key), key) == []
    assert encoding(words(key)).name == "GSM-7"


def test_the_line_has_words_to_say_and_to_text():
    assert len(VOICE) > 20 and len(TEXTS) == 3
