"""The overview: the drop-off chart names each question by its own words."""
from __future__ import annotations

import re


def test_the_drop_off_chart_labels_each_question_with_its_words(signed_in, answer_id):
    page = signed_in.get("/").get_data(as_text=True)
    labels = re.findall(r'<p class="bar-label">([^<]+)</p>', page)
    counts = re.findall(r'<p class="bar-counts">([^<]+)</p>', page)

    assert labels[1].startswith("Over a Brew is a relaxed chat over a cup of tea")
    assert "What do you like about it?" in labels[1]
    assert labels[0].startswith("Hello, this is Over a Brew") and "5 short questions" in labels[0]
    assert not any(label.startswith("Question ") for label in labels)
    assert counts[:2] == ["1 reached, 1 answered, 0 skipped"] * 2
    assert "{total}" not in page and "N short questions" not in page
