"""What the ballot pages say: the rule in plain words with the ballot's own (frozen)
numbers, where the ballot stands in time, and the rows of a frozen result.

Pure functions over already-loaded objects: nothing here runs a query, so the pages that
use them cost the same at 10 votes as at 10,000.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from deliberation.models import Ballot, BallotOption, BallotResult
from deliberation.rules_tally import Rule

# Where a ballot stands; "counting" is after closes_at but before the clock has closed it.
SCHEDULED, OPEN, COUNTING, CLOSED, CANCELLED = (
    "scheduled",
    "open",
    "counting",
    "closed",
    "cancelled",
)

AREA_CHECKS = frozenset({"turnout_area", "agree_area"})
CENT = Decimal("0.01")

# Bar colours by option key; several-choice ballots use the last one.
COLOURS = {"for": "#198754", "against": "#dc3545", "abstain": "#6c757d"}
CHOICE_COLOUR = "#0d6efd"


# ---------------------------------------------------------------- numbers in words


def percent(value: Fraction) -> str:
    """A share as a percentage with at most one decimal: 1/2 → "50%", 2/3 → "66.7%"."""
    number = Decimal(value.numerator * 100) / Decimal(value.denominator)
    text = f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def share_in_words(value: Fraction) -> str:
    """The common shares in words ("half", "two-thirds"), others as a percentage."""
    words = {
        Fraction(1, 2): _("half"),
        Fraction(2, 3): _("two-thirds"),
        Fraction(3, 4): _("three-quarters"),
    }
    return words.get(value, percent(value))


def area_text(value) -> str:
    """A floor area with two decimals and its unit: "3456.00 m²"."""
    return _("%(area)s m²") % {"area": f"{Decimal(value).quantize(CENT):f}"}


def count_text(value: Fraction) -> str:
    """A head or household count (always whole) as plain digits."""
    return str(value.numerator // value.denominator)


def fraction_to_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT)


def at_least(share: Fraction, whole: int) -> int:
    """The fewest whole votes that reach ``share`` of ``whole``."""
    return math.ceil(share * whole)


# ---------------------------------------------------------------- time


def ballot_state(ballot: Ballot, now: dt.datetime) -> str:
    """Where the ballot stands for the person looking at it, by the clock and its status.

    Voting is possible exactly when ``services.ballot_cast`` allows it: status open and
    ``opens_at <= now < closes_at``. A ballot whose closing time has passed but which the
    clock has not closed yet is "counting" (no more votes, no result yet).
    """
    if ballot.status == Ballot.Status.CLOSED:
        return CLOSED
    if ballot.status == Ballot.Status.CANCELLED:
        return CANCELLED
    if ballot.status == Ballot.Status.OPEN:
        if now >= ballot.closes_at:
            return COUNTING
        if now >= ballot.opens_at:
            return OPEN
    return SCHEDULED


def time_left(ballot: Ballot, now: dt.datetime) -> str:
    """How long until voting closes, in at most two units ("2 days, 3 hours")."""
    return timeuntil(ballot.closes_at, now, depth=2)


# ---------------------------------------------------------------- the rule in plain words


def is_yes_no(options: list[BallotOption]) -> bool:
    """A for/against/abstain ballot (the "For" option must reach the threshold)."""
    return any(option.key == "for" for option in options)


def electorate_is_frozen(ballot: Ballot) -> bool:
    """The eligible numbers are counted when the ballot opens; before that they are 0."""
    return ballot.status != Ballot.Status.SCHEDULED


def rule_explanation(ballot: Ballot, options: list[BallotOption]) -> list[str]:
    """The ballot's rule as short sentences a resident can read aloud, with its numbers."""
    rule = Rule(ballot.rule)
    frozen = electorate_is_frozen(ballot)
    if rule.is_civil_code:
        return _civil_code_explanation(ballot, rule, frozen)
    lines: list[str] = []
    by_household = ballot.unit == Ballot.Unit.HOUSEHOLD
    if by_household:
        lines.append(
            _("One vote per home: when one person in a home has voted, that home has voted.")
        )
    else:
        lines.append(_("Every verified resident has one vote."))
    if is_yes_no(options):
        if rule == Rule.MAJORITY:
            lines.append(_("The proposal passes if more than half of the votes cast are “For”."))
        else:
            lines.append(
                _("The proposal passes if at least two-thirds of the votes cast are “For”.")
            )
        lines.append(_("“Abstain” counts as a vote cast: it makes passing harder."))
    else:
        if rule == Rule.MAJORITY:
            lines.append(
                _("The choice with the most votes wins if it has more than half of the votes cast.")
            )
        else:
            lines.append(
                _(
                    "The choice with the most votes wins if it has at least two-thirds "
                    "of the votes cast."
                )
            )
        lines.append(_("If two choices share the lead, nothing is chosen."))
    if ballot.quorum_percent:
        quorum = Fraction(ballot.quorum_percent, 100)
        eligible = ballot.eligible_households if by_household else ballot.eligible_heads
        if frozen and by_household:
            lines.append(
                _(
                    "The vote counts only if at least %(percent)s of the %(eligible)s "
                    "eligible homes take part: at least %(needed)s homes."
                )
                % {
                    "percent": percent(quorum),
                    "eligible": eligible,
                    "needed": at_least(quorum, eligible),
                }
            )
        elif frozen:
            lines.append(
                _(
                    "The vote counts only if at least %(percent)s of the %(eligible)s "
                    "eligible residents take part: at least %(needed)s people."
                )
                % {
                    "percent": percent(quorum),
                    "eligible": eligible,
                    "needed": at_least(quorum, eligible),
                }
            )
        else:
            lines.append(
                _("The vote counts only if at least %(percent)s of those eligible take part.")
                % {"percent": percent(quorum)}
            )
    return lines


def _civil_code_explanation(ballot: Ballot, rule: Rule, frozen: bool) -> list[str]:
    lines = [
        _(
            "This is a decision of the owners under Article 278 of the Civil Code: each "
            "owner household has one vote, and the floor area of its home counts too."
        )
    ]
    two_thirds = Fraction(2, 3)
    if frozen:
        households = ballot.eligible_households
        area = Decimal(ballot.eligible_area)
        lines.append(
            _(
                "The vote is valid only if at least two-thirds of the %(households)s owner "
                "households take part (at least %(needed_households)s), and together they "
                "own at least two-thirds of the %(area)s of floor area (at least "
                "%(needed_area)s)."
            )
            % {
                "households": households,
                "needed_households": at_least(two_thirds, households),
                "area": area_text(area),
                "needed_area": area_text((area * 2 / 3).quantize(CENT, rounding=ROUND_CEILING)),
            }
        )
    else:
        lines.append(
            _(
                "The vote is valid only if at least two-thirds of all owner households take "
                "part, and together they own at least two-thirds of all the floor area."
            )
        )
    if rule == Rule.CIVIL_CODE_ORDINARY:
        lines.append(
            _(
                "Then the proposal passes if the owners voting “For” are more than half of "
                "the households taking part, and own more than half of the floor area "
                "taking part."
            )
        )
    else:
        lines.append(
            _(
                "This is a major matter (such as the maintenance fund, rebuilding, or a new "
                "use of common parts). The proposal passes if the owners voting “For” are "
                "at least three-quarters of the households taking part, and own at least "
                "three-quarters of the floor area taking part."
            )
        )
    return lines


# ---------------------------------------------------------------- frozen results


@dataclass
class OptionRow:
    key: str
    label: str
    heads: int
    households: int
    area: Decimal
    votes: int  # in the ballot's unit: residents, or households
    share: Fraction  # of the votes cast
    area_share: Fraction  # of the floor area taking part (household ballots)
    won: bool
    colour: str

    @property
    def percent(self) -> str:
        return percent(self.share)

    @property
    def area_percent(self) -> str:
        return percent(self.area_share)


@dataclass
class CheckRow:
    code: str
    label: str
    needed: str
    reached: str
    met: bool


@dataclass
class ChartBar:
    label: str
    value_text: str
    y: int
    width: int
    colour: str


@dataclass
class Chart:
    bars: list[ChartBar]
    height: int
    threshold_x: int | None
    threshold_text: str


@dataclass
class ResultSummary:
    passed: bool
    winner_label: str
    yes_no: bool
    by_household: bool
    civil_code: bool
    options: list[OptionRow]
    checks: list[CheckRow]
    # Who took part, against who could (from the frozen result, never recounted).
    voted_heads: int
    voted_households: int
    voted_area: Decimal
    eligible_heads: int
    eligible_households: int
    eligible_area: Decimal
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def voted(self) -> int:
        return self.voted_households if self.by_household else self.voted_heads

    @property
    def eligible(self) -> int:
        return self.eligible_households if self.by_household else self.eligible_heads

    @property
    def turnout_percent(self) -> str:
        return percent(Fraction(self.voted, self.eligible)) if self.eligible else "—"

    @property
    def invalid(self) -> bool:
        """A Civil Code vote without the two-thirds participation is not a decision at
        all (表决无效), rather than a proposal voted down; likewise a missed quorum."""
        return any(
            not check.met
            for check in self.checks
            if check.code in ("turnout_area", "turnout_owners", "quorum")
        )

    @property
    def area_turnout_percent(self) -> str:
        if not self.eligible_area:
            return "—"
        return percent(Fraction(self.voted_area) / Fraction(self.eligible_area))


def check_label(code: str, yes_no: bool) -> str:
    """What a threshold measures, in words."""
    labels = {
        "quorum": _("Turnout: those who voted, out of all who could"),
        "turnout_owners": _("Owner households taking part, out of all owner households"),
        "turnout_area": _("Floor area taking part, out of all owners' floor area"),
        "agree_owners": _("Households voting “For”, out of the households taking part"),
        "agree_area": _("Floor area voting “For”, out of the floor area taking part"),
    }
    if code in ("majority_of_cast", "two_thirds_of_cast"):
        if yes_no:
            return _("“For” votes, out of all votes cast")
        return _("Votes for the leading choice, out of all votes cast")
    return labels.get(code, code)


def needed_text(needed: Fraction, strict: bool) -> str:
    values = {"share": share_in_words(needed), "percent": percent(needed)}
    if strict:
        return _("more than %(share)s (%(percent)s)") % values
    return _("at least %(share)s (%(percent)s)") % values


def reached_text(code: str, numerator: Fraction, denominator: Fraction) -> str:
    as_text = area_text if code in AREA_CHECKS else count_text
    if code in AREA_CHECKS:
        part, whole = fraction_to_decimal(numerator), fraction_to_decimal(denominator)
    else:
        part, whole = numerator, denominator
    share = percent(numerator / denominator) if denominator else "—"
    return _("%(part)s of %(whole)s = %(share)s") % {
        "part": as_text(part),
        "whole": as_text(whole),
        "share": share,
    }


def check_rows(result: BallotResult, yes_no: bool) -> list[CheckRow]:
    rows = []
    for check in result.checks:
        numerator, denominator = Fraction(check["numerator"]), Fraction(check["denominator"])
        rows.append(
            CheckRow(
                code=check["code"],
                label=check_label(check["code"], yes_no),
                needed=needed_text(Fraction(check["needed"]), check["strict"]),
                reached=reached_text(check["code"], numerator, denominator),
                met=check["met"],
            )
        )
    return rows


def result_summary(
    ballot: Ballot, result: BallotResult, options: list[BallotOption]
) -> ResultSummary:
    """Everything the results page, CSV and public notice show, from the frozen result.

    ``options`` gives only the labels and order: every number comes from ``result``.
    """
    by_household = ballot.unit == Ballot.Unit.HOUSEHOLD
    frozen = result.counts
    voted_heads = sum(int(c["heads"]) for c in frozen.values())
    voted_households = sum(int(c["households"]) for c in frozen.values())
    voted_area = sum((Decimal(c["area"]) for c in frozen.values()), Decimal("0"))
    cast = voted_households if by_household else voted_heads
    rows = []
    for option in options:
        count = frozen.get(option.key, {"heads": 0, "households": 0, "area": "0"})
        heads, households, area = (
            int(count["heads"]),
            int(count["households"]),
            Decimal(count["area"]),
        )
        votes = households if by_household else heads
        rows.append(
            OptionRow(
                key=option.key,
                label=option.label,
                heads=heads,
                households=households,
                area=area,
                votes=votes,
                share=Fraction(votes, cast) if cast else Fraction(0),
                area_share=Fraction(area) / Fraction(voted_area) if voted_area else Fraction(0),
                won=result.passed and option.key == result.winner,
                colour=COLOURS.get(option.key, CHOICE_COLOUR),
            )
        )
    yes_no = is_yes_no(options)
    labels = {row.key: row.label for row in rows}
    summary = ResultSummary(
        passed=result.passed,
        winner_label=labels.get(result.winner, ""),
        yes_no=yes_no,
        by_household=by_household,
        civil_code=Rule(ballot.rule).is_civil_code,
        options=rows,
        checks=check_rows(result, yes_no),
        voted_heads=voted_heads,
        voted_households=voted_households,
        voted_area=voted_area,
        eligible_heads=int(result.electorate["heads"]),
        eligible_households=int(result.electorate["households"]),
        eligible_area=Decimal(result.electorate["area"]),
    )
    summary.chart = bar_chart(summary, result)
    return summary


# The chart is drawn on a 360-unit-wide canvas: on a phone it shows at about its own size,
# so the 16-unit text stays readable.
CHART_WIDTH = 360
BAR_LEFT = 0
BAR_MAX = 350
ROW_HEIGHT = 62


def bar_chart(summary: ResultSummary, result: BallotResult) -> Chart:
    """One bar per option (and for a Civil Code ballot, one more for its floor area), as a
    share of what was cast; a dashed line marks the share the rule needs."""
    bars: list[ChartBar] = []
    for row in summary.options:
        if summary.by_household:
            value = _("%(n)s homes, %(percent)s") % {"n": row.votes, "percent": row.percent}
        else:
            value = _("%(n)s votes, %(percent)s") % {"n": row.votes, "percent": row.percent}
        bars.append(
            ChartBar(
                label=row.label,
                value_text=value,
                y=len(bars) * ROW_HEIGHT,
                width=round(BAR_MAX * row.share),
                colour=row.colour,
            )
        )
        if summary.civil_code:
            bars.append(
                ChartBar(
                    label=_("%(option)s, floor area") % {"option": row.label},
                    value_text=_("%(area)s, %(percent)s")
                    % {"area": area_text(row.area), "percent": row.area_percent},
                    y=len(bars) * ROW_HEIGHT,
                    width=round(BAR_MAX * row.area_share),
                    colour=row.colour,
                )
            )
    threshold = next(
        (
            Fraction(check["needed"])
            for check in result.checks
            if check["code"] in ("majority_of_cast", "two_thirds_of_cast", "agree_owners")
        ),
        None,
    )
    return Chart(
        bars=bars,
        height=len(bars) * ROW_HEIGHT + 8,
        threshold_x=BAR_LEFT + round(BAR_MAX * threshold) if threshold is not None else None,
        threshold_text=(
            _("Needed: %(share)s") % {"share": percent(threshold)} if threshold else ""
        ),
    )
