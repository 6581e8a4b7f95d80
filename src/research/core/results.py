"""Result objects in the statsmodels tradition, shared by every analysis module.

A result holds its numbers as attributes; :meth:`Result.to_frame` gives the tidy table that is the
single source of every number a report shows; :meth:`Result.summary` prints it; notebooks render it
through ``_repr_html_``. A scalar estimate also converts with ``float()`` and carries ``se`` and
``ci`` when uncertainty was requested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd


class Result:
    """Mixin: ``summary()`` and ``_repr_html_`` from ``to_frame()``; subclasses define it."""

    title: str = "Result"

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self) -> str:
        """The tidy table as text, under the result's title."""
        return f"{self.title}\n{self.to_frame().to_string(index=False)}"

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        table = self.to_frame().to_html(index=False, float_format=lambda v: f"{v:,.4g}", na_rep="")
        return f"<p><strong>{escape(str(self.title))}</strong></p>{table}"


@dataclass(frozen=True)
class Estimate(Result):
    """One number with its optional uncertainty.

    Attributes
    ----------
    name
        What is estimated, e.g. ``"D"`` or ``"median_hourly_gap"``.
    value
        The estimate from the data as given.
    se, ci
        Bootstrap (or analytic) standard error and confidence interval, when requested.
    bias_corrected
        ``2 * value - mean(bootstrap estimates)`` when a bootstrap was run.
    n_boot
        Bootstrap replicates behind ``se`` and ``ci`` (0: none).
    details
        Anything else worth keeping (e.g. the groups compared).
    """

    name: str
    value: float
    se: float | None = None
    ci: tuple[float, float] | None = None
    bias_corrected: float | None = None
    n_boot: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.name

    def __float__(self) -> float:
        return float(self.value)

    def to_frame(self) -> pd.DataFrame:
        low, high = self.ci if self.ci is not None else (math.nan, math.nan)
        return pd.DataFrame(
            {
                "statistic": [self.name],
                "estimate": [self.value],
                "se": [math.nan if self.se is None else self.se],
                "ci_low": [low],
                "ci_high": [high],
                "bias_corrected": [
                    math.nan if self.bias_corrected is None else self.bias_corrected
                ],
                "n_boot": [self.n_boot],
            }
        )
