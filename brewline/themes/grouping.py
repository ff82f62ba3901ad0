"""Grouping answer vectors: k-means on unit vectors, with k chosen by the silhouette.

Needs numpy and scikit-learn (the `brewline[themes]` part); only `suggest.py` imports
this, after the model has loaded.
"""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

SEED = 7  # the same answers give the same groups every time
# k is chosen on a sample: the same choice, a fraction of the time (2,000 answers must be
# grouped well inside the web request's 10 seconds on a shared 2-core machine).
SAMPLE = 1000
# One thread: k-means on a few thousand short vectors is quicker alone, and OpenMP's
# threads spinning on a busy machine made it 15 times slower (measured, bench/themes.py).
THREADS = 1


def choose_k(vectors: np.ndarray, smallest: int = 2, largest: int = 15) -> int:
    """The number of groups whose members sit closest to their own group (silhouette)."""
    sample = _sample(vectors)
    largest = min(largest, len(sample) - 1)
    if largest < smallest:
        return 1
    with threadpool_limits(limits=THREADS):
        scores = {k: _silhouette(sample, _kmeans(sample, k)) for k in range(smallest, largest + 1)}
    return max(scores, key=lambda k: (scores[k], -k))


def _sample(vectors: np.ndarray) -> np.ndarray:
    if len(vectors) <= SAMPLE:
        return vectors
    return vectors[np.random.default_rng(SEED).choice(len(vectors), SAMPLE, replace=False)]


def group(vectors: np.ndarray, k: int | None = None) -> np.ndarray:
    """A group number for each vector; k chosen by `choose_k` when not given."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    k = k or choose_k(vectors)
    with threadpool_limits(limits=THREADS):
        return _kmeans(vectors, k)


def closest(vectors: np.ndarray, members: np.ndarray, count: int) -> list[int]:
    """Indexes (into members) of the `count` vectors nearest the members' centre."""
    chosen = vectors[members]
    centre = chosen.mean(axis=0)
    order = np.argsort(-(chosen @ centre), kind="stable")
    return [int(i) for i in order[:count]]


def _kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    return KMeans(n_clusters=k, n_init=4, random_state=SEED).fit_predict(vectors)


def _silhouette(vectors: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0
    return float(silhouette_score(vectors, labels, metric="cosine"))
