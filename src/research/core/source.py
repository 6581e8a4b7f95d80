"""What a dataset is, in the words a title block needs, without loading anything."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A dataset's name, description and pay currency, as reports state them.

    The data layer gives one with every dataset (``Dataset.source``); topics' ``build`` functions
    take it so that a report can say where its numbers come from without knowing how they were
    loaded.
    """

    name: str
    description: str = ""
    currency: str = "GBP"

    @property
    def label(self) -> str:
        """The description when there is one, else the name."""
        return self.description or self.name
