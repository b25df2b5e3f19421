"""Minutes as plain text, near-duplicate candidates by MinHash + LSH, and the exact similarity of a pair.

MinHash signatures put every text in LSH buckets once, so the texts compared exactly are only those that
share a bucket: the work grows with the number of texts, not with its square."""

import html
import re
import zlib

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
SEED = 1  # fixed, so the candidates (and the signals) are the same at every run
# The base hash of the shingles: crc32 (C, deterministic) is about four times faster than datasketch's
# default sha1 and spreads short byte strings well enough for MinHash's permutations.


def plain(minutes: str) -> str:
    """The visible text of sanitised minutes HTML, whitespace collapsed."""
    return SPACE.sub(" ", html.unescape(TAG.sub(" ", minutes or ""))).strip()


def shingles(text: str, size: int) -> list[bytes]:
    """The text's runs of `size` characters, as bytes: encoded once in UTF-32 (4 bytes a character) and
    sliced, which is several times faster than encoding every run."""
    raw = text.replace(" ", "").encode("utf-32-le")
    width = 4 * size
    if len(raw) <= width:
        return [raw]
    return [raw[i : i + width] for i in range(0, len(raw) - width + 4, 4)]


def candidate_pairs(
    texts: dict[int, str], shingle: int, num_perm: int, threshold: float
) -> set[tuple[int, int]]:
    """Pairs of keys (smaller first) whose texts may be near-identical (estimated Jaccard ≥ threshold)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    keys = list(texts)
    hashes = MinHash.bulk(
        [shingles(texts[k], shingle) for k in keys], num_perm=num_perm, seed=SEED, hashfunc=zlib.crc32
    )
    for key, mh in zip(keys, hashes, strict=True):
        lsh.insert(key, mh, check_duplication=False)
    pairs = set()
    for key, mh in zip(keys, hashes, strict=True):
        for other in lsh.query(mh):
            if other != key:
                pairs.add((min(key, other), max(key, other)))
    return pairs


def similarity(a: str, b: str) -> float:
    """0–100: the normalised Indel similarity of the two texts (100 = identical)."""
    return round(fuzz.ratio(a, b), 1)


def shared_parts(a: str, b: str, min_run: int = 4) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts cut into (piece, shared) runs: the pieces the two have in common, at least `min_run`
    characters long, are marked shared, for showing side by side."""
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for op in Indel.opcodes(a, b):
        same = op.tag == "equal" and op.src_end - op.src_start >= min_run
        _append(left, a[op.src_start : op.src_end], same)
        _append(right, b[op.dest_start : op.dest_end], same)
    return left, right


def _append(runs: list[tuple[str, bool]], piece: str, shared: bool) -> None:
    if not piece:
        return
    if runs and runs[-1][1] == shared:
        runs[-1] = (runs[-1][0] + piece, shared)
    else:
        runs.append((piece, shared))
