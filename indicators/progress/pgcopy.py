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


# a bool mask's bytes as one unsigned integer of their width, all set: a fixed field's data bytes, used or not, are
# marked with one store per row
_ALL_USED = {1: np.uint8(1), 2: np.uint16(0x0101), 4: np.uint32(0x0101_0101), 8: np.uint64(0x0101_0101_0101_0101)}


def _fixed(series: pd.Series, kind: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(values as a big-endian array, null mask or None when nothing is null)."""
    if kind == "bool":
        null = series.isna().to_numpy()
        values = series.fillna(False).to_numpy(dtype=bool)
    elif kind == "float8":
        values = series.to_numpy(dtype="float64")
        null = np.isnan(values)
    else:
        null = series.isna().to_numpy()
        values = series.to_numpy(dtype="int64", na_value=0)
    return values.astype(_FIXED[kind]), (null if null.any() else None)


def _text(series: pd.Series, prefix: str = "", distinct: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(each row's code, the distinct texts as UTF-8 bytes (an object array), their byte lengths): a column of few
    distinct texts (a status, a scope) is encoded once per distinct value; ``distinct``: nearly every row's text is
    its own (the inputs), so each row is its own code without looking for repeats. Missing text is the empty text."""
    values = series.to_numpy(dtype=object, na_value="")
    if distinct:
        codes, uniques = np.arange(len(values)), values
    else:
        codes, uniques = pd.factorize(values, sort=False)
    encoded = np.array([(prefix + value).encode("utf-8") for value in uniques.tolist()], dtype=object)
    return codes, encoded, np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))


_GROUPS_FROM = 1_000  # rows: fewer are encoded as one group, in their order
_WIDTH_QUANTILES = (0.9, 0.99)


def copy_rows(frame: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    """The tuples of ``frame`` (columns in ``kinds`` order) in the binary COPY format, without header or trailer.

    ``kinds``: column → "int2", "int4", "int8", "float8", "bool", "text" or "jsonb" (a JSON text, nearly always
    distinct); a NaN/None of a number or bool column is NULL, of a text column the empty text (text columns are NOT
    NULL here).

    How: one numpy record per tuple, each field in a slot as wide as its widest value (its length, then its bytes;
    a record array's fields are filled a column at a time), and a mask of the bytes each tuple uses (a NULL has no
    bytes after its length, a text only its own): the tuples are the used bytes in row order. The widest texts (a
    city row's inputs can be ten times the usual) would widen every row's slot, so from ``_GROUPS_FROM`` rows on the
    tuples are encoded in groups by their length (COPY takes tuples in any order)."""
    n, columns = len(frame), list(kinds)
    if not n:
        return b""
    fields = []
    for name in columns:
        kind = kinds[name]
        if kind in _FIXED:
            fields.append(("fixed", *_fixed(frame[name], kind)))
        else:  # jsonb: its binary form is a version byte (1) and the text
            fields.append(("text", *_text(frame[name], prefix="\x01" if kind == "jsonb" else "",
                                          distinct=kind == "jsonb")))
    if n < _GROUPS_FROM:
        return _tuples(fields, np.arange(n))
    text = sum((f[3][f[1]] for f in fields if f[0] == "text"), np.zeros(n, dtype=np.int64))
    bounds = np.unique(np.quantile(text, _WIDTH_QUANTILES))
    group = np.searchsorted(bounds, text, side="left")  # 0: up to the first bound, …
    return b"".join(_tuples(fields, np.flatnonzero(group == g)) for g in range(len(bounds) + 1)
                    if (group == g).any())


def _tuples(fields: list, rows: np.ndarray) -> bytes:
    """The tuples of some rows (positions), encoded through one record array and the mask of its used bytes."""
    m = len(rows)
    layout, values, partly = [("n", ">i2")], {"n": len(fields)}, {}  # partly: slot → how its bytes are used
    for i, (how, a, b, *rest) in enumerate(fields):
        if how == "fixed":
            data, null = a[rows], (b[rows] if b is not None else None)
            width = data.dtype.itemsize
            layout += [(f"l{i}", ">i4"), (f"v{i}", data.dtype)]
            values[f"l{i}"] = np.where(null, -1, width) if null is not None else width
            values[f"v{i}"] = data
            if null is not None:
                partly[f"v{i}"] = ("fixed", width, ~null)
        else:
            codes, encoded, lengths = a[rows], b, rest[0]
            size = lengths[codes]
            width = int(size.max())
            layout += [(f"l{i}", ">i4"), (f"v{i}", f"S{width}" if width else "V0")]
            values[f"l{i}"] = size
            if width:
                values[f"v{i}"] = encoded[codes]  # bytes, padded with zeros to the slot's width
                partly[f"v{i}"] = ("text", width, size)
    dtype = np.dtype(layout)
    record = np.empty(m, dtype=dtype)
    for name, value in values.items():
        record[name] = value
    if not partly:
        return record.tobytes()
    used = np.ones(m * dtype.itemsize, dtype=bool)
    slots = used.view(np.dtype([(name, *((f"V{dtype.fields[name][0].itemsize}",) if name not in partly else (
        (f"u{partly[name][1]}",) if partly[name][0] == "fixed" else ("?", (partly[name][1],)))))
        for name in dtype.names]))
    for name, (how, width, what) in partly.items():
        if how == "fixed":  # a NULL's bytes are not sent
            slots[name] = np.where(what, _ALL_USED[width], 0)
        else:  # a text's bytes up to its length
            np.less(np.arange(width)[None, :], what[:, None], out=slots[name])
    return record.view(np.uint8)[used].tobytes()
