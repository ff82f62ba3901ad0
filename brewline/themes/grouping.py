"""Grouping answer vectors: k-means on unit vectors, with k chosen by the silhouette.

Needs numpy and scikit-learn (the `brewline[themes]` part); only `suggest.py` imports
this, after the model has loaded.
"""
from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

SEED = 7  # the same answers give the same groups every time
SAMPLE = 1500  # the silhouette on a sample: the same choice of k, a fraction of the time


def choose_k(vectors: np.ndarray, smallest: int = 2, largest: int = 15) -> int:
    """The number of groups whose members sit closest to their own group (silhouette)."""
    n = len(vectors)
    largest = min(largest, n - 1)
    if largest < smallest:
        return 1
    scores = {k: _silhouette(vectors, _kmeans(vectors, k)) for k in range(smallest, largest + 1)}
    return max(scores, key=lambda k: (scores[k], -k))


def group(vectors: np.ndarray, k: int | None = None) -> np.ndarray:
    """A group number for each vector; k chosen by `choose_k` when not given."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    return _kmeans(vectors, k or choose_k(vectors))


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
    size = min(SAMPLE, len(vectors))
    return float(silhouette_score(vectors, labels, metric="cosine", sample_size=size,
                                  random_state=SEED))
