"""Reading a voucher code out on a call: slowly, character by character, in small groups.

Pure functions (no Flask, no database): `code_parts` splits a code into what to say and
where to pause; `code_ssml` renders that as SSML; `add_code` adds it to a TwiML <Say>.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

# A pause between groups, a longer one where the code has a dash or a space.
GROUP_BREAK = "400ms"
SEPARATOR_BREAK = "800ms"
_RUNS = re.compile(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]+")


def code_parts(code: str) -> list[tuple[str, str]]:
    """('chars', 'AB') to spell out and ('break', '400ms') pauses, in reading order."""
    parts: list[tuple[str, str]] = []
    for run in _RUNS.findall(code.strip()):
        if run.isalnum():
            groups = _letter_groups(run) if run.isalpha() else digit_groups(run)
            for group in groups:
                _pause(parts, GROUP_BREAK)
                parts.append(("chars", group))
        else:
            _pause(parts, SEPARATOR_BREAK)
    return parts


def digit_groups(digits: str) -> list[str]:
    """Digits in threes, never leaving one alone at the end: 1234 -> 12 34, 1234567 -> 123 45 67."""
    groups = []
    rest = digits
    while len(rest) > 4:
        groups.append(rest[:3])
        rest = rest[3:]
    groups += [rest[:2], rest[2:]] if len(rest) == 4 else [rest]
    return groups


def _letter_groups(letters: str) -> list[str]:
    # Letters are spelled one by one; a short pause every three keeps them easy to follow.
    return [letters[i:i + 3] for i in range(0, len(letters), 3)]


def _pause(parts: list[tuple[str, str]], length: str) -> None:
    if not parts:
        return
    if parts[-1][0] == "break":
        parts[-1] = ("break", max(parts[-1][1], length, key=lambda t: int(t[:-2])))
    else:
        parts.append(("break", length))


def code_ssml(code: str, rate: str = "slow") -> str:
    """The code as SSML: say-as characters for each group, breaks between, spoken slowly."""
    inner = "".join(
        f'<say-as interpret-as="characters">{escape(text)}</say-as>' if kind == "chars"
        else f'<break time="{text}"/>' for kind, text in code_parts(code))
    return f'<prosody rate="{rate}">{inner}</prosody>'


def add_code(say, code: str, rate: str = "slow") -> None:
    """Add the code to a twilio.twiml <Say> as the same SSML that `code_ssml` gives."""
    slow = say.prosody(rate=rate)
    for kind, text in code_parts(code):
        if kind == "chars":
            slow.say_as(text, interpret_as="characters")
        else:
            slow.break_(time=text)


def spoken_characters(parts: list[tuple[str, str]]) -> str:
    """Everything that will be spelled out, joined: the code without its separators."""
    return "".join(text for kind, text in parts if kind == "chars")
