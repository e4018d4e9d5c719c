"""Case figures over a set of cases: counts, shares and elapsed working days.

Shares are exact fractions over the cases where the fact is known (a record that does not
say how many visits a case took is unknown, not zero); rounding is left to the renderers.
The median and 90th percentile are nearest-rank values of whole working days, so every
engine and every grouping gives the same number.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# the counts of engines.MATTERS_SQL, in its column order after the key
COUNTS = (
    "cases",
    "visits_known",
    "at_most_one",
    "zero",
    "channel_known",
    "online",
    "mobile",
    "rated",
    "satisfied",
    "done",
    "outcome_known",
    "time_unread",
)


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(slots=True)
class CaseTally:
    """Counts over cases; ``elapsed`` maps (working days, natural days) to completed cases."""

    cases: int = 0
    visits_known: int = 0
    at_most_one: int = 0
    zero: int = 0
    channel_known: int = 0
    online: int = 0
    mobile: int = 0
    rated: int = 0
    satisfied: int = 0
    done: int = 0
    outcome_known: int = 0
    time_unread: int = 0  # cases giving a timestamp that is not a readable day
    elapsed: Counter[tuple[int, int]] = field(default_factory=Counter)
    uncovered: int = 0  # completed cases on days the calendar does not cover
    overdue: int = 0  # completed cases over their matter's promised limit
    limit_known: int = 0  # completed cases whose matter promises a limit

    def add_counts(self, counts: tuple[Any, ...]) -> None:
        for name, value in zip(COUNTS, counts, strict=True):
            setattr(self, name, getattr(self, name) + int(value or 0))

    def merge(self, other: CaseTally) -> None:
        for name in (*COUNTS, "uncovered", "overdue", "limit_known"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.elapsed.update(other.elapsed)

    @property
    def multi(self) -> int:
        """Cases that needed two or more visits."""
        return self.visits_known - self.at_most_one

    @property
    def at_most_one_share(self) -> float | None:
        return _ratio(self.at_most_one, self.visits_known)

    @property
    def zero_share(self) -> float | None:
        return _ratio(self.zero, self.visits_known)

    @property
    def multi_share(self) -> float | None:
        return _ratio(self.multi, self.visits_known)

    @property
    def online_share(self) -> float | None:
        return _ratio(self.online, self.channel_known)

    @property
    def mobile_share(self) -> float | None:
        return _ratio(self.mobile, self.channel_known)

    @property
    def satisfied_share(self) -> float | None:
        return _ratio(self.satisfied, self.rated)

    @property
    def overdue_share(self) -> float | None:
        return _ratio(self.overdue, self.limit_known)

    @property
    def timed(self) -> int:
        """Completed cases with a known elapsed time."""
        return sum(self.elapsed.values())

    def percentile(self, share: float, *, natural: bool = False) -> int | None:
        """Nearest-rank percentile of elapsed working (or natural) days (None: no timed
        case)."""
        total = self.timed
        if not total:
            return None
        rank, seen = max(1, math.ceil(share * total)), 0
        days: Counter[int] = Counter()
        for (working, nat), count in self.elapsed.items():
            days[nat if natural else working] += count
        for value, count in sorted(days.items()):
            seen += count
            if seen >= rank:
                return value
        raise AssertionError("unreachable")

    @property
    def median(self) -> int | None:
        return self.percentile(0.5)

    @property
    def p90(self) -> int | None:
        return self.percentile(0.9)


@dataclass(slots=True)
class VolumeShare:
    """A level's 最多跑一次 share by case volume: "as promised" weighs each matched entry's
    catalogue visits by its cases, "as handled" counts the cases' own visits."""

    cases: int = 0
    promised_known: int = 0  # cases of entries whose visits the catalogue gives
    promised_met: int = 0
    handled_known: int = 0
    handled_met: int = 0

    @property
    def as_promised(self) -> float | None:
        return self.promised_met / self.promised_known if self.promised_known else None

    @property
    def as_handled(self) -> float | None:
        return self.handled_met / self.handled_known if self.handled_known else None
