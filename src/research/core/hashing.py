"""SHA-256 of files and of JSON-able values: the one place the project hashes anything."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks of ``chunk`` bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: Any) -> str:
    """SHA-256 of ``value`` as canonical JSON (sorted keys; other types as ``str``)."""
    return sha256_bytes(json.dumps(value, sort_keys=True, default=str).encode("utf-8"))


#: Rows hashed at a time by :func:`sha256_frame`.
HASH_BLOCK_ROWS = 1_000_000


def sha256_frame(frame: Any) -> str:
    """SHA-256 of a DataFrame's content: column names, dtypes and values, row order included.

    Uses :func:`pandas.util.hash_pandas_object` (a 64-bit hash per row, index left out), so two
    frames with the same rows in the same order hash alike however they were read.
    """
    import pandas as pd

    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode("utf-8"))
    # The row hashes in blocks of rows: the same bytes in the same order as hashing every row at
    # once (each row's hash depends on that row only), with the memory of one block.
    for start in range(0, len(frame), HASH_BLOCK_ROWS):
        block = frame.iloc[start : start + HASH_BLOCK_ROWS]
        digest.update(pd.util.hash_pandas_object(block, index=False).to_numpy().tobytes())
    return digest.hexdigest()
