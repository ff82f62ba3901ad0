"""Words for naming a group: the ones its answers use far more than the other answers do.

Pure Python, so the same words come out with or without the themes part installed.
"""
from __future__ import annotations

import math
import re
from collections import Counter

WORD = re.compile(r"[a-z][a-z']+")
# Words that say nothing about a theme (English; answers in other languages keep theirs).
STOP = frozenset("""
a about after all also always am an and any anything are as at be because been but by can
cant could did do does doesnt dont for from get gets getting go going got had has have he
her here him his how i if im in into is isnt it its just know like lot lots me more most
much my need needs never no not nothing now of off on one only or other our out over please
pls really round same she should so some something still such than that thats the their
them then there theres these they thing things think this those to too up us very want was
way we well were what when where which who why will with would you your yours ok yes
""".split())


def tokens(text: str) -> list[str]:
    """The words of an answer worth counting, lower case, without the filler."""
    return [w.strip("'") for w in WORD.findall(text.lower()) if w.strip("'") not in STOP]


def distinctive(groups: list[list[str]], top: int = 4) -> list[list[str]]:
    """For each group of answers, the words most typical of it compared with the rest
    (how often the group uses a word, weighted by how few groups use it)."""
    counts = [Counter(w for text in texts for w in set(tokens(text))) for texts in groups]
    spread = Counter(w for c in counts for w in c)
    return [_best(count, len(texts), spread, len(groups), top)
            for count, texts in zip(counts, groups)]


def _best(count: Counter, size: int, spread: Counter, n_groups: int, top: int) -> list[str]:
    score = {w: (n / max(size, 1)) * math.log(1 + n_groups / spread[w])
             for w, n in count.items() if n > 1 or size < 4}
    return [w for w, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
