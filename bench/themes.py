"""Themes benchmark: how well suggested groups match a labelled set, beside a word-count
baseline in the same run, and how long 2,000 answers take.

The labelled set is bench/data/themes_answers.csv: 320 plain-English answers in 10
themes, written for this (misspellings, text-speak and one-word answers included).
Both methods get the same k-means; only the vectors differ: the shipped model's
(brewline/themes/embedding.py) or counts of each answer's words (the baseline). Scored
with the adjusted Rand index (1 = the labels exactly, 0 = no better than chance), with k
chosen by the silhouette as Brewline does, and with k given the true number of themes.

`python -m bench.themes` alone, or as part of `make bench`.
"""
from __future__ import annotations

import csv
import json
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "themes_answers.csv"
LARGE = 2000


def labelled(limit: int | None = None) -> tuple[list[str], list[str]]:
    """(answers, themes) from the labelled set; `limit` takes every theme's first rows."""
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if limit:
        seen: Counter = Counter()
        rows = [r for r in rows if (seen.update([r["theme"]]) or seen[r["theme"]] <= limit)]
    return [r["answer"] for r in rows], [r["theme"] for r in rows]


def word_counts(texts: list[str]):
    """The baseline's vectors: how often each word is used, each row of unit length."""
    import numpy as np

    from brewline.themes.words import tokens

    vocabulary = {w: i for i, w in enumerate(sorted({w for t in texts for w in tokens(t)}))}
    vectors = np.zeros((len(texts), max(len(vocabulary), 1)))
    for row, text in enumerate(texts):
        for word in tokens(text):
            vectors[row, vocabulary[word]] += 1
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def score(vectors, labels: list[str]) -> dict:
    """Adjusted Rand index with k by silhouette and with the true k, and the time taken."""
    from sklearn.metrics import adjusted_rand_score

    from brewline.themes import grouping

    started = time.perf_counter()
    chosen = grouping.group(vectors)
    seconds = time.perf_counter() - started
    true_k = grouping.group(vectors, len(set(labels)))
    return {"k_chosen": len(set(chosen.tolist())),
            "ari_k_chosen": round(adjusted_rand_score(labels, chosen), 3),
            "ari_true_k": round(adjusted_rand_score(labels, true_k), 3),
            "seconds": round(seconds, 2)}


def large_run(model, texts: list[str]) -> dict:
    """Suggestions for 2,000 answers: embed and group, timed end to end."""
    from brewline.themes import grouping

    many = [f"{texts[i % len(texts)]}{'' if i < len(texts) else f' ({i})'}" for i in range(LARGE)]
    started = time.perf_counter()
    labels = grouping.group(model.embed(many))
    return {"answers": LARGE, "seconds": round(time.perf_counter() - started, 2),
            "groups": len(set(labels.tolist()))}


def run(limit: int | None = None, large: bool = True) -> dict:
    from brewline.themes import embedding

    texts, labels = labelled(limit)
    model = embedding.load()
    started = time.perf_counter()
    vectors = model.embed(texts)
    result = {"model": model.name, "answers": len(texts), "themes": len(set(labels)),
              "embed_seconds": round(time.perf_counter() - started, 3),
              "model_groups": score(vectors, labels),
              "word_count_baseline": score(word_counts(texts), labels)}
    if large:
        result["large"] = large_run(model, texts)
    return result


def main() -> dict:
    from bench.run import machine

    result = run() | {"machine": machine(),
                      "date": datetime.now(timezone.utc).strftime("%Y-%m-%d")}
    model, base = result["model_groups"], result["word_count_baseline"]
    print(f"themes: {result['answers']} labelled answers in {result['themes']} themes, "
          f"model {result['model']}")
    print(f"  model groups:   ARI {model['ari_k_chosen']} (k={model['k_chosen']} by silhouette), "
          f"{model['ari_true_k']} with k={result['themes']}; {model['seconds']} s")
    print(f"  word counts:    ARI {base['ari_k_chosen']} (k={base['k_chosen']}), "
          f"{base['ari_true_k']} with k={result['themes']}; {base['seconds']} s")
    print(f"  {LARGE} answers: {result['large']['seconds']} s embed + group, "
          f"{result['large']['groups']} groups")
    return result


if __name__ == "__main__":
    found = main()
    out = Path(__file__).resolve().parent / "results" / (
        f"themes-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json")
    out.write_text(json.dumps(found, indent=2))
    print(f"written {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
