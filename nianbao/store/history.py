"""An institution's filings side by side, one column a year: the form's fields with each year's
value and the one before it, and each year's error and warning counts. The CLI's history table
and the reviewer's filing page both lay it out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from nianbao.forms import ANNUAL_REPORT_FIELDS
from nianbao.store.filings import StoredFiling

# Fields that say which form was read, not what the institution reported.
_NOT_SHOWN = ("report_year", "layout")


@dataclass
class Years:
    """The first filing of each year, years ascending."""

    by_year: dict[int, StoredFiling]

    @classmethod
    def of(cls, filings: Iterable[StoredFiling]) -> Years:
        """The first of `filings` for each year (those without a year left out)."""
        by_year: dict[int, StoredFiling] = {}
        for filing in filings:
            if filing.year is not None:
                by_year.setdefault(filing.year, filing)
        return cls(dict(sorted(by_year.items())))

    @property
    def years(self) -> list[int]:
        return list(self.by_year)

    def rows(self) -> Iterator[tuple[str, str, list[tuple[Any, Any]]]]:
        """(field, label, [(value, the value in the column before or None)]) for each field of
        the form."""
        for name, label, _ in ANNUAL_REPORT_FIELDS:
            if name in _NOT_SHOWN:
                continue
            values = [filing.record.fields.get(name) for filing in self.by_year.values()]
            yield name, label, list(zip(values, [None, *values], strict=False))

    def counts(self, year: int) -> tuple[int, int]:
        """(errors, warnings) of the year's filing."""
        found = self.by_year[year].findings
        return (sum(f.severity == "error" for f in found),
                sum(f.severity == "warning" for f in found))
