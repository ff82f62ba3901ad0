"""What the service itself says by text, outside any flow: lines of the catalogue
(flows/data/words/<language>.yaml, sections `replies` and `finished`)."""
from __future__ import annotations

from flows.words import words


def own_reply(key: str, language: str = "en") -> str:
    """One of the service's own replies ("opted_out", "holding"...), in `language`."""
    return words(f"replies.{key}", language)


def finished_words(title: str, others: list[tuple[str, str]], language: str = "en") -> str:
    """A set has finished: say so kindly, and how to start each open one (keyword, title)."""
    said = words("finished.said", language, title=title)
    if not others:
        return f"{said} {words('finished.none', language)}"
    if len(others) == 1:
        keyword, other = others[0]
        return f"{said} {words('finished.one', language, keyword=keyword, other=other)}"
    items = [words("finished.item", language, keyword=k, other=o) for k, o in others]
    listed = f", {words('finished.or', language)} ".join(items)
    return f"{said} {words('finished.many', language, listed=listed)}"
