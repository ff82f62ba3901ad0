"""Answers as vectors, on this machine, with a model whose weights ship inside a package.

The model is WordLlama's `l2_supercat_256` (MIT): a 32,000-word table of 256-number
vectors, 16 MB, inside the `wordllama` wheel itself. A sentence's vector is the mean of its
words' vectors, so it runs on a CPU in milliseconds and never reaches the network. It is
read from the files in the package directly: WordLlama's own `load()` looks for the
tokenizer in a folder the wheel does not have and then tries to download it.

`load()` raises `Unavailable` with the words an organiser needs when the optional
`brewline[themes]` part is not installed; everything else in Brewline works without it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

MODEL_NAME = "WordLlama l2_supercat_256 (shipped in the wordllama package)"
HOW_TO_TURN_ON = (
    "Suggested themes are turned off on this install. To turn them on, install Brewline "
    "with its themes part: .venv/bin/pip install -e '.[themes]' (make test does this), "
    "then restart Brewline. Nothing is downloaded when it runs, and answers never leave "
    "this machine.")


class Unavailable(RuntimeError):
    """The model or its libraries are not installed; the message says how to fix it."""


@dataclass(frozen=True)
class Model:
    """A named function from answers to unit-length vectors (a numpy array, one row each)."""

    name: str
    embed: Callable[[list[str]], object]


def load() -> Model:
    """The shipped model, read once per process."""
    return _wordllama()


@functools.cache
def _wordllama() -> Model:
    try:
        import wordllama
        from safetensors import safe_open
        from tokenizers import Tokenizer
        from wordllama.inference import WordLlamaInference

        # scikit-learn comes with the same extra; importing it here (3 s, once per
        # process) also means the first suggestion does not wait for it.
        from brewline.themes import grouping  # noqa: F401
    except ImportError as exc:
        raise Unavailable(HOW_TO_TURN_ON) from exc
    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np",
                   device="cpu") as weights:
        table = weights.get_tensor("embedding.weight")
    model = WordLlamaInference(table, tokenizer)
    return Model(MODEL_NAME, lambda texts: model.embed(list(texts), norm=True))
