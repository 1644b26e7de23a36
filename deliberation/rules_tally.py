"""The decision rules of a ballot, as a pure function with exact arithmetic (no ORM).

Residents' meetings decide by a simple majority or two-thirds of the votes cast, with an
optional quorum. Owners' joint decisions on common property follow the Civil Code of the
PRC, Art. 278: the vote is valid only if owners holding at least 2/3 of the total
exclusive floor area AND at least 2/3 of all owners take part; then an ordinary matter
passes with more than 1/2 of the participating area AND more than 1/2 of the
participating owners, and a major matter with at least 3/4 of each. Owners are counted by
household; the area is each household's exclusive floor area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction


class Rule(StrEnum):
    MAJORITY = "majority"
    TWO_THIRDS = "two_thirds"
    CIVIL_CODE_ORDINARY = "civil_code_ordinary"
    CIVIL_CODE_MAJOR = "civil_code_major"

    @property
    def is_civil_code(self) -> bool:
        return self in (Rule.CIVIL_CODE_ORDINARY, Rule.CIVIL_CODE_MAJOR)


@dataclass(frozen=True)
class Count:
    """Votes for one option: heads (residents), households, and their floor area."""

    heads: int = 0
    households: int = 0
    area: Decimal = Decimal("0")

    def __add__(self, other: Count) -> Count:
        return Count(
            self.heads + other.heads, self.households + other.households, self.area + other.area
        )


@dataclass(frozen=True)
class Electorate:
    """Who may vote: eligible heads, households and (for owners) their total area."""

    heads: int
    households: int
    area: Decimal = Decimal("0")


@dataclass(frozen=True)
class Check:
    """One threshold: what it measures, the fraction needed, the fraction reached."""

    code: str
    needed: Fraction
    strict: bool  # True: must exceed ``needed``; False: must reach it
    numerator: Fraction
    denominator: Fraction

    @property
    def reached(self) -> Fraction:
        return self.numerator / self.denominator if self.denominator else Fraction(0)

    @property
    def met(self) -> bool:
        if self.denominator == 0:
            return False
        return self.reached > self.needed if self.strict else self.reached >= self.needed


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    passed: bool
    winner: str | None
    checks: list[Check] = field(default_factory=list)


def _share(code: str, needed: Fraction, strict: bool, part, whole) -> Check:
    return Check(code, needed, strict, Fraction(part), Fraction(whole))


def decide(
    *,
    rule: Rule,
    counts: dict[str, Count],
    electorate: Electorate,
    approve: str = "for",
    quorum: Fraction | None = None,
    unit: str = "heads",
) -> Outcome:
    """Apply a ballot's rule to its counts.

    ``counts`` maps option keys to their votes. For a for/against/abstain ballot the
    option ``approve`` ("for") is the one that must reach the threshold; for a ballot of
    several choices, pass ``approve=None`` and the leading option must reach it (a tie for
    the lead passes nothing). Abstentions count as votes cast. ``unit`` says whether a
    residents' ballot counts heads or households. ``quorum`` is a share of the electorate
    that must take part (residents' ballots only).
    """
    total = sum(counts.values(), Count())
    if rule.is_civil_code:
        return _civil_code(rule, counts, total, electorate, approve)
    cast = total.heads if unit == "heads" else total.households
    eligible = electorate.heads if unit == "heads" else electorate.households
    checks: list[Check] = []
    if quorum is not None:
        checks.append(_share("quorum", quorum, False, cast, eligible))
    candidate = approve if approve is not None else _leader(counts, unit)
    votes = 0
    if candidate is not None:
        picked = counts.get(candidate, Count())
        votes = picked.heads if unit == "heads" else picked.households
    if rule == Rule.MAJORITY:
        checks.append(_share("majority_of_cast", Fraction(1, 2), True, votes, cast))
    else:
        checks.append(_share("two_thirds_of_cast", Fraction(2, 3), False, votes, cast))
    passed = candidate is not None and all(check.met for check in checks)
    return Outcome(rule, passed, candidate if passed else None, checks)


def _civil_code(rule, counts, total, electorate, approve) -> Outcome:
    agree = counts.get(approve, Count()) if approve is not None else Count()
    checks = [
        _share("turnout_area", Fraction(2, 3), False, total.area, electorate.area),
        _share("turnout_owners", Fraction(2, 3), False, total.households, electorate.households),
    ]
    if rule == Rule.CIVIL_CODE_ORDINARY:
        checks += [
            _share("agree_area", Fraction(1, 2), True, agree.area, total.area),
            _share("agree_owners", Fraction(1, 2), True, agree.households, total.households),
        ]
    else:
        checks += [
            _share("agree_area", Fraction(3, 4), False, agree.area, total.area),
            _share("agree_owners", Fraction(3, 4), False, agree.households, total.households),
        ]
    passed = approve is not None and all(check.met for check in checks)
    return Outcome(rule, passed, approve if passed else None, checks)


def _leader(counts: dict[str, Count], unit: str) -> str | None:
    """The option with the most votes, or None when two or more share the lead."""
    if not counts:
        return None

    def votes(key: str) -> int:
        return counts[key].heads if unit == "heads" else counts[key].households

    best = max(votes(key) for key in counts)
    leaders = [key for key in counts if votes(key) == best]
    return leaders[0] if len(leaders) == 1 and best > 0 else None
