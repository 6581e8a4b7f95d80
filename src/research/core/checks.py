"""Checks at the door, shared by every analysis: clear errors instead of NaNs in a report."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd


class InputError(ValueError):
    """Input that an analysis cannot use; the message names the column or value and the fix."""


def require_columns(data: pd.DataFrame, columns: Iterable[str | None], *, role: str = "") -> None:
    """Raise :class:`InputError` naming any of ``columns`` missing from ``data``.

    ``None`` entries are skipped (optional roles). The message suggests the closest existing column.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data must be a pandas DataFrame, got {type(data).__name__}.")
    available = [str(c) for c in data.columns]
    for column in columns:
        if column is None or column in data.columns:
            continue
        close = difflib.get_close_matches(str(column), available, n=2)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        label = f" ({role})" if role else ""
        raise InputError(
            f"Column {column!r}{label} is not in the data.{hint} Available columns: "
            f"{', '.join(available)}."
        )


def require_rows(data: pd.DataFrame, what: str = "data") -> None:
    """Raise :class:`InputError` when ``data`` has no rows."""
    if len(data) == 0:
        raise InputError(f"The {what} has no rows: nothing to analyse.")


def require_nonnegative(values: pd.Series, column: str) -> None:
    """Raise :class:`InputError` for missing, negative or non-finite weights/counts."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers < 0) | ~numbers.abs().lt(float("inf"))
    if bad.any():
        examples = ", ".join(repr(v) for v in values[bad].head(3).tolist())
        raise InputError(
            f"Column {column!r} must hold non-negative finite numbers; {int(bad.sum())} rows do not "
            f"(e.g. {examples}). Fix or drop those rows first."
        )
