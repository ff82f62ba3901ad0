"""The catalogue files (flows/data/words/<code>.yaml) as read, one mapping per language.

Read here, once per process, for both modules that use them: flows.words (the lines) and
flows.keywords (the words people text in each language), which must not import each other
the other way round.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

WORDS_DIR = Path(__file__).parent / "data" / "words"


@cache
def read(directory: Path = WORDS_DIR) -> tuple[dict, ...]:
    """Every catalogue file in `directory`, as its YAML says, in file name order."""
    return tuple(yaml.safe_load(path.read_text(encoding="utf-8"))
                 for path in sorted(directory.glob("*.yaml")))
