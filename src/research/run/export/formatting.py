"""Display text for manifest values: timestamps, durations, sizes, parameter values."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from research.core.paths import relative_to_root


def parse_timestamp(value: Any) -> datetime | None:
    """Parse an ISO 8601 timestamp; naive values are taken to be UTC.

    Parameters
    ----------
    value
        The timestamp (``str``) or ``None``.

    Returns
    -------
    datetime or None
        A timezone-aware datetime in UTC, or ``None`` when ``value`` is missing or unparseable.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_timestamp(value: Any) -> str:
    """Render an ISO timestamp as e.g. ``24 November 2026, 10:15 UTC`` (empty when unknown).

    Parameters
    ----------
    value
        ISO 8601 string, as written in the manifest.

    Returns
    -------
    str
        Human-readable UTC date and time, the raw value when unparseable, or ``""``.
    """
    moment = parse_timestamp(value)
    if moment is None:
        return str(value) if value else ""
    return f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"


def _is_finite_number(value: Any) -> bool:
    """Whether ``value`` is a real, finite number (booleans excluded)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def format_duration(seconds: Any) -> str:
    """Render a duration in seconds as ``20.1 s``, ``3 min 05 s`` or ``1 h 02 min``.

    Parameters
    ----------
    seconds
        Number of seconds (``int``/``float``); anything else gives ``""``.

    Returns
    -------
    str
        Human-readable duration.
    """
    if not _is_finite_number(seconds) or seconds < 0:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_bytes(size: Any) -> str:
    """Render a byte count as ``512 B``, ``1.2 kB``, ``3.4 MB``... (empty when unknown).

    Parameters
    ----------
    size
        Number of bytes.

    Returns
    -------
    str
        Human-readable size using decimal units.
    """
    if not _is_finite_number(size) or size < 0:
        return ""
    if size < 1000:
        return f"{int(size)} B"
    for unit in ("kB", "MB", "GB", "TB"):
        size /= 1000
        if size < 1000:
            return f"{size:.1f} {unit}"
    return f"{size:.1f} PB"


def format_value(value: Any) -> str:
    """Render a parameter value compactly: strings as they are, anything else as JSON.

    An absolute path inside the project (path parameters reach the kernel, and so the manifest,
    as absolute paths) is shown relative to the project root, a ``?filter`` kept.

    Parameters
    ----------
    value
        A parameter value from the manifest.

    Returns
    -------
    str
        Display text.
    """
    if isinstance(value, str):
        head, mark, rest = value.partition("?")
        if head.startswith("/") and Path(head).is_absolute():
            return relative_to_root(head) + mark + rest
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)
