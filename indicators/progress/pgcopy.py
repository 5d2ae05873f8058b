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


def _text(series: pd.Series, prefix: str = "") -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes of every value, concatenated; byte length of each). Missing text is the empty text."""
    values = series.tolist()
    values = [v if isinstance(v, str) else "" for v in values] if series.isna().any() else values
    if prefix:
        values = [prefix + v for v in values]
    joined = "".join(values)
    data = joined.encode("utf-8")
    if len(data) == len(joined):  # ASCII: one byte a character
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    else:
        lengths = np.fromiter((len(v.encode("utf-8")) for v in values), dtype=np.int64, count=len(values))
    return np.frombuffer(data, dtype=np.uint8), lengths


def copy_rows(frame: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    """The tuples of ``frame`` (columns in ``kinds`` order) in the binary COPY format, without header or trailer.

    ``kinds``: column → "int2", "int4", "int8", "float8", "bool", "text" or "jsonb" (a JSON text); a NaN/None of a
    number or bool column is NULL, of a text column the empty text (text columns are NOT NULL here)."""
    n, columns = len(frame), list(kinds)
    encoded, lengths = [], []
    for name in columns:
        kind = kinds[name]
        if kind in _FIXED:
            data, null = _fixed(frame[name], kind)
            encoded.append(("fixed", data, null))
            lengths.append(np.where(null, 4, 4 + data.shape[1]))
        else:
            data, size = _text(frame[name], prefix="\x01" if kind == "jsonb" else "")  # jsonb: version 1
            encoded.append(("var", data, size))
            lengths.append(4 + size)
    widths = np.column_stack(lengths) if lengths else np.zeros((n, 0), dtype=np.int64)
    row_size = 2 + widths.sum(axis=1)
    row_start = np.cumsum(row_size) - row_size
    buffer = np.empty(int(row_size.sum()), dtype=np.uint8)
    count = np.array([len(columns)], dtype=">i2").view(np.uint8)
    buffer[row_start] = count[0]
    buffer[row_start + 1] = count[1]
    at = row_start + 2  # where each field starts
    four = np.arange(4)
    for (how, data, extra), width in zip(encoded, lengths):
        size = width - 4
        if how == "fixed":
            size = np.where(extra, -1, size)
        buffer[at[:, None] + four] = size.astype(">i4").view(np.uint8).reshape(n, 4)
        if how == "fixed":
            keep = ~extra
            buffer[(at[keep] + 4)[:, None] + np.arange(data.shape[1])] = data[keep]
        elif len(data):
            source_start = np.cumsum(extra) - extra
            buffer[np.repeat(at + 4 - source_start, extra) + np.arange(len(data))] = data
        at = at + width
    return buffer.tobytes()
