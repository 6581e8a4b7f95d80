"""Small wording helpers shared by every report: dates, lists, counts, organisations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from research.core.source import Source
from research.present.report import TitleBlock


def long_date(value) -> str:
    """``2025-03-31`` -> ``"31 March 2025"`` (GOV.UK style, no leading zero)."""
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {stamp:%B %Y}"


def join_words(words: Sequence[str], conjunction: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "grade")`` -> ``"1 grade"``; ``plural(3, "grade")`` -> ``"3 grades"``."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


def count_words(n: int, min_cell: int) -> str:
    """A count as a sentence may state it: ``"1,234"``, or ``"fewer than 10"`` below the threshold.

    Sentences follow the disclosure rule of tables: a count of 1 to ``min_cell - 1`` people is
    never stated exactly.
    """
    return f"fewer than {min_cell:,}" if 0 < n < min_cell else f"{n:,}"


def organisations(values: Iterable, *, most: int = 3) -> str:
    """The organisation names in ``values`` (distinct, sorted), or a count when there are many."""
    if isinstance(values, pd.Series | pd.Index | np.ndarray):
        values = pd.unique(pd.Series(values).dropna())  # distinct values first, not every row
    names = sorted({str(v) for v in values if pd.notna(v) and str(v).strip()})
    if not names:
        return "Organisation not recorded"
    if len(names) > most:
        return f"{len(names):,} organisations"
    return join_words(names)


def snapshot_dates(dates: pd.Series) -> list[pd.Timestamp]:
    """The distinct snapshot dates recorded, earliest first."""
    return sorted(pd.to_datetime(dates.dropna()).unique())


def snapshot_period(dates: pd.Series) -> str:
    """The snapshot date, or ``"<first> to <last>"`` when the data hold several."""
    dates = pd.to_datetime(dates.dropna())
    if dates.empty:
        return "Snapshot date not recorded"
    first, last = dates.min(), dates.max()
    if first == last:
        return long_date(last)
    return f"{long_date(first)} to {long_date(last)}"


def title_block(
    data: pd.DataFrame,
    topic: str,
    source: Source | None = None,
    *,
    period: str | None = None,
    details: Sequence[tuple[str, str]] = (),
) -> TitleBlock:
    """The title block of a report on a canonical workforce table.

    Organisation from ``employer``, period from ``snapshot_date`` (unless ``period`` is given),
    data from ``source``; the pay currency is added to the details. A period read from the
    snapshot dates is named as such in the title: "Gender pay gap: City of Cincinnati, snapshot
    1 December 2020".
    """
    source = source or Source("data given directly")
    extra = tuple(details) + (("Pay in", source.currency),)
    when, label = "", "Period"
    if period is None:
        dates = snapshot_dates(data["snapshot_date"]) if "snapshot_date" in data else []
        period = snapshot_period(data["snapshot_date"]) if "snapshot_date" in data else ""
        if len(dates) == 1:
            when, label = f"snapshot {period}", "Snapshot date"
        elif dates:
            when, label = f"snapshots {period}", "Snapshot dates"
    return TitleBlock(
        topic=topic,
        organisation=organisations(data["employer"]) if "employer" in data else "Not recorded",
        period=period,
        dataset=source.label,
        details=extra,
        when=when,
        period_label=label,
    )
