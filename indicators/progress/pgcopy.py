"""PostgreSQL's binary COPY format, built from DataFrame columns with numpy (no Python work per row or per value).

Why binary: at a province's scale a recompute writes ~400,000 rows of 15 floats; writing them as text (CSV)
formats ~6 million floats one by one (the shortest repr of each, ~0.5 µs) and PostgreSQL parses them back. In the
binary format a float is its 8 IEEE bytes, so the numbers arrive exactly as computed, and the whole buffer is a few
vectorised scatters. Format: https://www.postgresql.org/docs/current/sql-copy.html (Binary Format).
"""
from datetime import datetime, timezone

import numpy as np
import pandas as pd

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"  # signature, flags, extension
TRAILER = b"\xff\xff"
_PG_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)

# kind → big-endian numpy dtype of the value (the fixed-width kinds)
_FIXED = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8", "bool": "u1"}


def timestamptz(moment: datetime) -> int:
    """An aware datetime as PostgreSQL's binary timestamptz: microseconds since 2000-01-01 UTC."""
    delta = moment - _PG_EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _fixed(series: pd.Series, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(values as big-endian bytes, one row of width bytes each; null mask)."""
    if kind == "bool":
        null = series.isna().to_numpy()
        values = series.fillna(False).to_numpy(dtype=bool)
    else:
        raw = series.to_numpy(dtype="float64") if kind == "float8" else None
        if kind == "float8":
            null, values = np.isnan(raw), raw
        else:
            null = series.isna().to_numpy()
            values = series.to_numpy(dtype="int64", na_value=0)
    data = np.ascontiguousarray(values.astype(_FIXED[kind]))
    return data.view(np.uint8).reshape(len(series), data.dtype.itemsize), null


def _text(series: pd.Series, prefix: str = "") -> tuple[np.ndarray, list[bytes], np.ndarray]:
    """(each row's code, the distinct texts as UTF-8 bytes, their byte lengths): a column of few distinct texts
    (a status, a scope) is encoded once per distinct value. Missing text is the empty text."""
    values = series.astype(object).where(series.notna(), "")
    codes, uniques = pd.factorize(values, sort=False)
    encoded = [(prefix + value).encode("utf-8") for value in uniques.tolist()]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return codes, encoded, lengths


_GROUPS_FROM = 1_000  # rows: fewer are encoded as one group, in their order
_WIDTH_QUANTILES = (0.9, 0.99)


def copy_rows(frame: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    """The tuples of ``frame`` (columns in ``kinds`` order) in the binary COPY format, without header or trailer.

    ``kinds``: column → "int2", "int4", "int8", "float8", "bool", "text" or "jsonb" (a JSON text); a NaN/None of a
    number or bool column is NULL, of a text column the empty text (text columns are NOT NULL here).

    How: a byte matrix of one row per tuple, each field in a slot as wide as its widest value (its length, then its
    bytes), and a mask of the bytes each tuple uses (a NULL has no bytes after its length, a text only its own): the
    tuples are the used bytes in row order, and every step is a block copy, not a byte at a time. The widest texts
    (a city row's inputs can be ten times the usual) would widen every row's slot, so from ``_GROUPS_FROM`` rows on
    the tuples are encoded in groups by their length (COPY takes tuples in any order)."""
    n, columns = len(frame), list(kinds)
    if not n:
        return b""
    fields = []
    for name in columns:
        kind = kinds[name]
        if kind in _FIXED:
            fields.append(("fixed", *_fixed(frame[name], kind)))
        else:
            fields.append(("text", *_text(frame[name], prefix="\x01" if kind == "jsonb" else "")))  # jsonb: v1
    if n < _GROUPS_FROM:
        return _tuples(fields, np.arange(n))
    text = sum((f[3][f[1]] for f in fields if f[0] == "text"), np.zeros(n, dtype=np.int64))
    bounds = np.unique(np.quantile(text, _WIDTH_QUANTILES))
    group = np.searchsorted(bounds, text, side="left")  # 0: up to the first bound, …
    return b"".join(_tuples(fields, np.flatnonzero(group == g)) for g in range(len(bounds) + 1)
                    if (group == g).any())


def _tuples(fields: list, rows: np.ndarray) -> bytes:
    """The tuples of some rows (positions), encoded through one byte matrix and its mask."""
    m = len(rows)
    slots = []  # (data of the slot: m × width bytes, size field: m int32 (-1: NULL), used bytes: m × width bool)
    for how, a, b, *rest in fields:
        if how == "fixed":
            data, null = a[rows], b[rows]
            slots.append((data, np.where(null, -1, data.shape[1]), np.broadcast_to(~null[:, None], data.shape)))
        else:
            codes, encoded, lengths = a[rows], b, rest[0]
            size = lengths[codes]
            width = int(size.max())
            present = np.unique(codes)
            padded = np.frombuffer(b"".join(encoded[i].ljust(width, b"\0") for i in present.tolist()),
                                   dtype=np.uint8).reshape(len(present), width)
            data = padded[np.searchsorted(present, codes)]
            slots.append((data, size, np.arange(width)[None, :] < size[:, None]))
    width = 2 + sum(4 + data.shape[1] for data, _size, _used in slots)
    matrix = np.empty((m, width), dtype=np.uint8)
    used = np.ones((m, width), dtype=bool)
    matrix[:, :2] = np.frombuffer(np.array([len(fields)], dtype=">i2").tobytes(), dtype=np.uint8)
    at = 2
    for data, size, data_used in slots:
        matrix[:, at:at + 4] = size.astype(">i4").view(np.uint8).reshape(m, 4)
        at += 4
        matrix[:, at:at + data.shape[1]] = data
        used[:, at:at + data.shape[1]] = data_used
        at += data.shape[1]
    return matrix[used].tobytes()
