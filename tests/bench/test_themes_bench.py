"""The themes benchmark runs on a small slice, and its labelled set is what the issue asks."""
from __future__ import annotations

from bench import themes


def test_the_labelled_set_has_300_answers_in_known_themes_some_very_short():
    texts, labels = themes.labelled()
    assert len(texts) >= 300 and len(set(labels)) == 10
    assert sum(len(t.split()) == 1 for t in texts) >= 20  # "bus", "gp", "wifi"...
    assert any(" r " in f" {t} " or " 2 " in f" {t} " for t in texts)  # text-speak


def test_the_benchmark_scores_the_model_and_the_word_count_baseline_in_one_run():
    result = themes.run(limit=6, large=False)
    assert (result["answers"], result["themes"]) == (60, 10)
    for method in ("model_groups", "word_count_baseline"):
        scored = result[method]
        assert -1 <= scored["ari_k_chosen"] <= 1 and -1 <= scored["ari_true_k"] <= 1
        assert scored["k_chosen"] >= 2 and scored["seconds"] >= 0
    assert result["model"].startswith("WordLlama")


def test_word_counts_give_answers_sharing_words_the_same_direction():
    vectors = themes.word_counts(["bus late", "late bus", "park"])
    assert round(float(vectors[0] @ vectors[1]), 6) == 1.0
    assert float(vectors[0] @ vectors[2]) == 0.0
