"""The decision rules of a ballot (deliberation.rules_tally.decide): every threshold edge.

Pure tests, no database. Residents' meetings decide by a simple majority (> 1/2) or
two-thirds (>= 2/3) of the votes cast, abstentions included, with an optional quorum.
Owners' joint decisions follow the Civil Code of the PRC, Art. 278: valid only if owners
holding >= 2/3 of the total area AND >= 2/3 of all owners take part; then an ordinary
matter needs > 1/2 of the participating area AND owners, a major one >= 3/4 of each.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.rules_tally import Check, Count, Electorate, Outcome, Rule, decide

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)

RESIDENT_RULES = [Rule.MAJORITY, Rule.TWO_THIRDS]
CIVIL_RULES = [Rule.CIVIL_CODE_ORDINARY, Rule.CIVIL_CODE_MAJOR]
ALL_RULES = RESIDENT_RULES + CIVIL_RULES


# --- helpers -------------------------------------------------------------------------


def heads(n: int) -> Count:
    """``n`` residents' votes, one head per household (household count kept equal)."""
    return Count(heads=n, households=n)


def ballot(for_: int = 0, against: int = 0, abstain: int = 0) -> dict[str, Count]:
    return {"for": heads(for_), "against": heads(against), "abstain": heads(abstain)}


def residents(n: int) -> Electorate:
    return Electorate(heads=n, households=n)


def owners(households: int, area: str) -> Count:
    """Votes of ``households`` owner households holding ``area`` square metres."""
    return Count(heads=households, households=households, area=Decimal(area))


def estate(households: int, area: str) -> Electorate:
    return Electorate(heads=households, households=households, area=Decimal(area))


def check(outcome: Outcome, code: str) -> Check:
    matching = [c for c in outcome.checks if c.code == code]
    assert len(matching) == 1, f"expected exactly one {code!r} check in {outcome.checks}"
    return matching[0]


def codes(outcome: Outcome) -> list[str]:
    return [c.code for c in outcome.checks]


def cents(value: int) -> Decimal:
    """An exact two-decimal area from integer cents."""
    return Decimal(value).scaleb(-2)


# --- simple majority of votes cast ---------------------------------------------------


class TestMajority:
    def test_exactly_half_of_cast_is_not_a_majority(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(50, 50), electorate=residents(100))
        assert out.passed is False
        assert out.winner is None
        maj = check(out, "majority_of_cast")
        assert maj.reached == Fraction(1, 2)
        assert maj.needed == Fraction(1, 2)
        assert maj.strict is True
        assert maj.met is False

    def test_half_plus_one_passes(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(51, 50), electorate=residents(200))
        assert out.passed is True
        assert out.winner == "for"
        maj = check(out, "majority_of_cast")
        assert (maj.numerator, maj.denominator) == (51, 101)
        assert maj.reached == Fraction(51, 101)
        assert maj.met is True

    def test_half_plus_one_of_an_even_turnout(self):
        # 6 of 10 passes, 5 of 10 does not
        assert decide(rule=Rule.MAJORITY, counts=ballot(6, 4), electorate=residents(10)).passed
        assert not decide(rule=Rule.MAJORITY, counts=ballot(5, 5), electorate=residents(10)).passed

    def test_abstentions_count_as_votes_cast(self):
        # 5 for, 3 against, 3 abstain: 5 of 11 cast is not a majority although 5 > 3
        out = decide(rule=Rule.MAJORITY, counts=ballot(5, 3, 3), electorate=residents(20))
        assert out.passed is False
        maj = check(out, "majority_of_cast")
        assert (maj.numerator, maj.denominator) == (5, 11)
        # and 5 of 9 cast is a majority
        assert decide(rule=Rule.MAJORITY, counts=ballot(5, 3, 1), electorate=residents(20)).passed

    def test_exactly_half_with_abstentions_fails(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(4, 2, 2), electorate=residents(8))
        assert out.passed is False
        assert check(out, "majority_of_cast").reached == Fraction(1, 2)

    def test_tie_for_against_does_not_pass(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(7, 7), electorate=residents(14))
        assert out.passed is False
        assert out.winner is None

    def test_unanimous_passes(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(1), electorate=residents(1))
        assert out.passed is True
        assert check(out, "majority_of_cast").reached == 1

    def test_zero_turnout_does_not_pass_and_does_not_divide_by_zero(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(), electorate=residents(100))
        assert out.passed is False
        assert out.winner is None
        maj = check(out, "majority_of_cast")
        assert maj.denominator == 0
        assert maj.reached == 0
        assert maj.met is False

    def test_only_majority_check_without_quorum(self):
        out = decide(rule=Rule.MAJORITY, counts=ballot(3, 1), electorate=residents(10))
        assert codes(out) == ["majority_of_cast"]
        assert out.rule is Rule.MAJORITY

    def test_missing_approve_option_counts_as_zero(self):
        out = decide(rule=Rule.MAJORITY, counts={"against": heads(3)}, electorate=residents(10))
        assert out.passed is False
        assert check(out, "majority_of_cast").numerator == 0

    def test_approve_names_the_option_that_must_reach_the_threshold(self):
        counts = {"yes": heads(6), "no": heads(4)}
        out = decide(rule=Rule.MAJORITY, counts=counts, electorate=residents(10), approve="yes")
        assert out.passed is True
        assert out.winner == "yes"
        out = decide(rule=Rule.MAJORITY, counts=counts, electorate=residents(10), approve="no")
        assert out.passed is False

    def test_households_unit_counts_households_not_heads(self):
        # "for": 3 households with 9 residents; "against": 4 households with 4 residents.
        counts = {
            "for": Count(heads=9, households=3),
            "against": Count(heads=4, households=4),
        }
        electorate = Electorate(heads=20, households=10)
        by_heads = decide(rule=Rule.MAJORITY, counts=counts, electorate=electorate)
        by_households = decide(
            rule=Rule.MAJORITY, counts=counts, electorate=electorate, unit="households"
        )
        assert by_heads.passed is True
        assert (
            check(by_heads, "majority_of_cast").numerator,
            check(by_heads, "majority_of_cast").denominator,
        ) == (9, 13)
        assert by_households.passed is False
        maj = check(by_households, "majority_of_cast")
        assert (maj.numerator, maj.denominator) == (3, 7)

    def test_households_unit_exactly_half_and_half_plus_one(self):
        electorate = Electorate(heads=50, households=10)
        half = {"for": Count(heads=20, households=4), "against": Count(heads=2, households=4)}
        more = {"for": Count(heads=5, households=5), "against": Count(heads=30, households=4)}
        assert not decide(
            rule=Rule.MAJORITY, counts=half, electorate=electorate, unit="households"
        ).passed
        assert decide(
            rule=Rule.MAJORITY, counts=more, electorate=electorate, unit="households"
        ).passed

    def test_households_unit_quorum_uses_eligible_households(self):
        electorate = Electorate(heads=100, households=10)
        counts = {"for": Count(heads=5, households=5)}
        out = decide(
            rule=Rule.MAJORITY,
            counts=counts,
            electorate=electorate,
            quorum=Fraction(1, 2),
            unit="households",
        )
        q = check(out, "quorum")
        assert (q.numerator, q.denominator) == (5, 10)
        assert q.met is True
        assert out.passed is True


# --- two-thirds of votes cast --------------------------------------------------------


class TestTwoThirds:
    def test_exactly_two_thirds_passes(self):
        out = decide(rule=Rule.TWO_THIRDS, counts=ballot(200, 100), electorate=residents(300))
        assert out.passed is True
        assert out.winner == "for"
        tt = check(out, "two_thirds_of_cast")
        assert tt.reached == Fraction(2, 3)
        assert tt.needed == Fraction(2, 3)
        assert tt.strict is False
        assert tt.met is True

    def test_just_under_two_thirds_fails(self):
        out = decide(rule=Rule.TWO_THIRDS, counts=ballot(199, 101), electorate=residents(300))
        assert out.passed is False
        assert out.winner is None
        assert check(out, "two_thirds_of_cast").reached == Fraction(199, 300)
        assert check(out, "two_thirds_of_cast").met is False

    def test_two_thirds_with_abstentions(self):
        # 4 for, 1 against, 1 abstain: 4 of 6 cast is exactly 2/3
        assert decide(rule=Rule.TWO_THIRDS, counts=ballot(4, 1, 1), electorate=residents(6)).passed
        # 4 for, 0 against, 3 abstain: 4 of 7 is not
        assert not decide(
            rule=Rule.TWO_THIRDS, counts=ballot(4, 0, 3), electorate=residents(7)
        ).passed

    def test_large_numbers_just_under_two_thirds(self):
        # 666,666 / 1,000,000 < 2/3 < 666,667 / 1,000,000; as floats 0.666666 vs 0.6666...
        under = decide(
            rule=Rule.TWO_THIRDS, counts=ballot(666_666, 333_334), electorate=residents(10**6)
        )
        over = decide(
            rule=Rule.TWO_THIRDS, counts=ballot(666_667, 333_333), electorate=residents(10**6)
        )
        assert under.passed is False
        assert over.passed is True
        assert check(under, "two_thirds_of_cast").reached == Fraction(666_666, 1_000_000)

    def test_huge_numbers_no_float_rounding(self):
        # 2n of 3n is exactly 2/3; one vote less, at a size where float64 cannot tell.
        n = 10**20
        exact = decide(rule=Rule.TWO_THIRDS, counts=ballot(2 * n, n), electorate=residents(3 * n))
        below = decide(
            rule=Rule.TWO_THIRDS, counts=ballot(2 * n - 1, n + 1), electorate=residents(3 * n)
        )
        assert float(2 * n - 1) / float(3 * n) >= 2 / 3  # a float comparison would pass this
        assert exact.passed is True
        assert below.passed is False
        assert check(below, "two_thirds_of_cast").reached == Fraction(2 * n - 1, 3 * n)

    def test_huge_numbers_majority_by_one_vote(self):
        n = 10**20
        assert not decide(
            rule=Rule.MAJORITY, counts=ballot(n, n), electorate=residents(2 * n)
        ).passed
        assert decide(
            rule=Rule.MAJORITY, counts=ballot(n + 1, n), electorate=residents(2 * n + 1)
        ).passed

    def test_zero_turnout(self):
        out = decide(rule=Rule.TWO_THIRDS, counts=ballot(), electorate=residents(30))
        assert out.passed is False
        assert check(out, "two_thirds_of_cast").met is False

    def test_only_two_thirds_check_without_quorum(self):
        out = decide(rule=Rule.TWO_THIRDS, counts=ballot(3), electorate=residents(3))
        assert codes(out) == ["two_thirds_of_cast"]


# --- quorum --------------------------------------------------------------------------


class TestQuorum:
    @pytest.mark.parametrize("rule", RESIDENT_RULES)
    def test_exactly_at_quorum_passes(self, rule):
        # 50 of 100 eligible take part, quorum 1/2 (reach, not exceed)
        out = decide(rule=rule, counts=ballot(50), electorate=residents(100), quorum=Fraction(1, 2))
        q = check(out, "quorum")
        assert q.strict is False
        assert q.needed == Fraction(1, 2)
        assert (q.numerator, q.denominator) == (50, 100)
        assert q.reached == Fraction(1, 2)
        assert q.met is True
        assert out.passed is True
        assert codes(out)[0] == "quorum"

    @pytest.mark.parametrize("rule", RESIDENT_RULES)
    def test_just_under_quorum_fails_even_unanimous(self, rule):
        out = decide(rule=rule, counts=ballot(49), electorate=residents(100), quorum=Fraction(1, 2))
        assert check(out, "quorum").met is False
        # the vote itself is unanimous
        assert check(out, "majority_of_cast" if rule is Rule.MAJORITY else "two_thirds_of_cast").met
        assert out.passed is False
        assert out.winner is None

    def test_abstentions_count_towards_quorum(self):
        out = decide(
            rule=Rule.MAJORITY,
            counts=ballot(2, 0, 1),
            electorate=residents(9),
            quorum=Fraction(1, 3),
        )
        assert check(out, "quorum").reached == Fraction(1, 3)
        assert out.passed is True

    def test_two_thirds_quorum_with_odd_electorate(self):
        kwargs = {"rule": Rule.MAJORITY, "electorate": residents(301), "quorum": Fraction(2, 3)}
        # 2/3 of 301 = 200.67: 201 take part is enough, 200 is not
        assert decide(counts=ballot(201), **kwargs).passed
        assert not decide(counts=ballot(200), **kwargs).passed

    def test_quorum_met_but_vote_fails(self):
        out = decide(
            rule=Rule.MAJORITY,
            counts=ballot(40, 40),
            electorate=residents(100),
            quorum=Fraction(1, 2),
        )
        assert check(out, "quorum").met is True
        assert out.passed is False

    @pytest.mark.parametrize("rule", RESIDENT_RULES)
    def test_quorum_with_zero_eligible_is_not_met(self, rule):
        out = decide(rule=rule, counts=ballot(5), electorate=residents(0), quorum=Fraction(1, 2))
        q = check(out, "quorum")
        assert q.denominator == 0
        assert q.reached == 0
        assert q.met is False
        assert out.passed is False

    @pytest.mark.parametrize("rule", RESIDENT_RULES)
    def test_zero_quorum_with_zero_eligible_is_still_not_met(self, rule):
        out = decide(rule=rule, counts=ballot(5), electorate=residents(0), quorum=Fraction(0))
        assert check(out, "quorum").met is False
        assert out.passed is False


# --- several choices -----------------------------------------------------------------


class TestSeveralChoices:
    def test_leader_with_a_majority_wins(self):
        counts = {"red": heads(6), "green": heads(3), "blue": heads(2)}
        out = decide(rule=Rule.MAJORITY, counts=counts, electorate=residents(20), approve=None)
        assert out.passed is True
        assert out.winner == "red"
        maj = check(out, "majority_of_cast")
        assert (maj.numerator, maj.denominator) == (6, 11)

    def test_clear_leader_below_majority_does_not_pass(self):
        counts = {"red": heads(5), "green": heads(3), "blue": heads(2)}
        out = decide(rule=Rule.MAJORITY, counts=counts, electorate=residents(20), approve=None)
        assert out.passed is False
        assert out.winner is None
        assert check(out, "majority_of_cast").reached == Fraction(1, 2)

    def test_leader_below_two_thirds_does_not_pass(self):
        counts = {"red": heads(7), "green": heads(3), "blue": heads(1)}
        out = decide(rule=Rule.TWO_THIRDS, counts=counts, electorate=residents(20), approve=None)
        assert out.passed is False
        counts = {"red": heads(8), "green": heads(3), "blue": heads(1)}
        out = decide(rule=Rule.TWO_THIRDS, counts=counts, electorate=residents(20), approve=None)
        assert out.passed is True
        assert out.winner == "red"

    @pytest.mark.parametrize("rule", RESIDENT_RULES)
    def test_tie_for_the_lead_passes_nothing(self, rule):
        counts = {"red": heads(4), "green": heads(4), "blue": heads(1)}
        out = decide(rule=rule, counts=counts, electorate=residents(9), approve=None)
        assert out.passed is False
        assert out.winner is None

    def test_two_way_tie_of_all_votes(self):
        counts = {"red": heads(5), "green": heads(5)}
        out = decide(rule=Rule.MAJORITY, counts=counts, electorate=residents(10), approve=None)
        assert out.passed is False
        assert out.winner is None

    @pytest.mark.parametrize("rule", RESIDENT_RULES)
    def test_no_votes_at_all(self, rule):
        for counts in ({}, {"red": heads(0), "green": heads(0)}):
            out = decide(rule=rule, counts=counts, electorate=residents(10), approve=None)
            assert out.passed is False
            assert out.winner is None

    def test_leader_in_households(self):
        counts = {
            "red": Count(heads=12, households=3),
            "green": Count(heads=4, households=4),
            "blue": Count(heads=1, households=1),
        }
        electorate = Electorate(heads=30, households=10)
        by_heads = decide(rule=Rule.MAJORITY, counts=counts, electorate=electorate, approve=None)
        assert by_heads.winner == "red"
        by_households = decide(
            rule=Rule.MAJORITY,
            counts=counts,
            electorate=electorate,
            approve=None,
            unit="households",
        )
        # green leads by households (4 of 8) but that is exactly half
        assert by_households.passed is False
        assert check(by_households, "majority_of_cast").numerator == 4

    def test_quorum_applies_to_several_choices(self):
        counts = {"red": heads(3), "green": heads(1)}
        out = decide(
            rule=Rule.MAJORITY,
            counts=counts,
            electorate=residents(10),
            approve=None,
            quorum=Fraction(1, 2),
        )
        assert check(out, "quorum").met is False
        assert out.passed is False


# --- Civil Code Art. 278: turnout ----------------------------------------------------

# An estate of 9 owner households holding 205.50 m²: 2/3 is 6 households and 137.00 m².
ESTATE = estate(9, "205.50")


def civil(rule, counts, electorate=ESTATE, **kwargs) -> Outcome:
    return decide(rule=rule, counts=counts, electorate=electorate, **kwargs)


@pytest.mark.parametrize("rule", CIVIL_RULES)
class TestCivilCodeTurnout:
    def test_exactly_two_thirds_area_and_owners_is_valid(self, rule):
        out = civil(rule, {"for": owners(6, "137.00")})
        ta, to = check(out, "turnout_area"), check(out, "turnout_owners")
        assert ta.reached == Fraction(2, 3)
        assert to.reached == Fraction(2, 3)
        assert ta.needed == to.needed == Fraction(2, 3)
        assert ta.strict is False and to.strict is False
        assert ta.met and to.met
        assert out.passed is True
        assert out.winner == "for"

    def test_area_just_under_two_thirds_is_invalid(self, rule):
        # owners satisfied (7 of 9), area one cent short
        out = civil(rule, {"for": owners(7, "136.99")})
        assert check(out, "turnout_owners").met is True
        ta = check(out, "turnout_area")
        assert ta.numerator == Fraction(13699, 100)
        assert ta.denominator == Fraction(411, 2)
        assert ta.met is False
        assert out.passed is False
        assert out.winner is None

    def test_area_exactly_two_thirds_with_owners_satisfied_is_valid(self, rule):
        out = civil(rule, {"for": owners(7, "137.00")})
        assert check(out, "turnout_area").met is True
        assert out.passed is True

    def test_owners_just_under_two_thirds_is_invalid(self, rule):
        # area satisfied (all of it), owners 5 of 9 < 2/3
        out = civil(rule, {"for": owners(5, "205.50")})
        assert check(out, "turnout_area").met is True
        to = check(out, "turnout_owners")
        assert (to.numerator, to.denominator) == (5, 9)
        assert to.met is False
        assert out.passed is False

    def test_owners_exactly_two_thirds_with_area_satisfied_is_valid(self, rule):
        out = civil(rule, {"for": owners(6, "205.50")})
        assert check(out, "turnout_owners").met is True
        assert out.passed is True

    def test_owners_counted_by_household_not_head(self, rule):
        # 6 households with 20 residents take part out of 9 households with 30 residents
        electorate = Electorate(heads=30, households=9, area=Decimal("205.50"))
        out = civil(
            rule, {"for": Count(heads=20, households=6, area=Decimal("205.50"))}, electorate
        )
        to = check(out, "turnout_owners")
        assert (to.numerator, to.denominator) == (6, 9)
        assert out.passed is True
        # many heads but only 5 households: not enough owners
        out = civil(
            rule, {"for": Count(heads=29, households=5, area=Decimal("205.50"))}, electorate
        )
        assert check(out, "turnout_owners").met is False
        assert out.passed is False

    def test_abstentions_and_against_count_towards_turnout(self, rule):
        counts = {
            "for": owners(5, "120.00"),
            "against": owners(0, "0.00"),
            "abstain": owners(1, "17.00"),
        }
        out = civil(rule, counts)
        assert check(out, "turnout_area").reached == Fraction(2, 3)
        assert check(out, "turnout_owners").reached == Fraction(2, 3)

    def test_large_estate_turnout_edges(self, rule):
        # 3,000 households, 200,000.01 m²: 2/3 of the area is 133,333.34 m²
        electorate = estate(3000, "200000.01")
        exact = civil(rule, {"for": owners(2000, "133333.34")}, electorate)
        assert check(exact, "turnout_area").met is True
        assert check(exact, "turnout_owners").met is True
        assert exact.passed is True
        short_area = civil(rule, {"for": owners(2000, "133333.33")}, electorate)
        assert check(short_area, "turnout_area").met is False
        assert short_area.passed is False
        short_owners = civil(rule, {"for": owners(1999, "133333.34")}, electorate)
        assert check(short_owners, "turnout_owners").met is False
        assert short_owners.passed is False

    def test_check_codes_and_order(self, rule):
        out = civil(rule, {"for": owners(9, "205.50")})
        assert codes(out) == ["turnout_area", "turnout_owners", "agree_area", "agree_owners"]
        assert out.rule is rule

    def test_quorum_is_not_a_civil_code_check(self, rule):
        out = civil(rule, {"for": owners(9, "205.50")}, quorum=Fraction(1, 2))
        assert "quorum" not in codes(out)


# --- Civil Code Art. 278: ordinary matters -------------------------------------------

# 10 owners, 1,000.00 m², everybody takes part, so turnout never decides these tests.
FULL = estate(10, "1000.00")


class TestCivilCodeOrdinary:
    def test_agree_area_exactly_half_fails(self):
        counts = {"for": owners(6, "500.00"), "against": owners(4, "500.00")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, FULL)
        aa = check(out, "agree_area")
        assert aa.reached == Fraction(1, 2)
        assert aa.needed == Fraction(1, 2)
        assert aa.strict is True
        assert aa.met is False
        assert check(out, "agree_owners").met is True
        assert out.passed is False
        assert out.winner is None

    def test_agree_area_one_cent_over_half_passes(self):
        counts = {"for": owners(6, "500.01"), "against": owners(4, "499.99")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, FULL)
        aa = check(out, "agree_area")
        assert aa.numerator == Fraction(50001, 100)
        assert aa.denominator == 1000
        assert aa.met is True
        assert out.passed is True
        assert out.winner == "for"

    def test_agree_owners_exactly_half_fails(self):
        counts = {"for": owners(5, "600.00"), "against": owners(5, "400.00")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, FULL)
        ao = check(out, "agree_owners")
        assert (ao.numerator, ao.denominator) == (5, 10)
        assert ao.strict is True
        assert ao.met is False
        assert check(out, "agree_area").met is True
        assert out.passed is False

    def test_agree_owners_just_over_half_passes(self):
        counts = {"for": owners(6, "600.00"), "against": owners(4, "400.00")}
        assert civil(Rule.CIVIL_CODE_ORDINARY, counts, FULL).passed is True

    def test_denominator_is_participating_not_total(self):
        # 7 of 9 owners take part (turnout fine); 4 of the 7 agree: more than half of the
        # participants although less than half of all 9 owners
        counts = {"for": owners(4, "110.00"), "against": owners(3, "60.00")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts)
        ao = check(out, "agree_owners")
        assert (ao.numerator, ao.denominator) == (4, 7)
        aa = check(out, "agree_area")
        assert (aa.numerator, aa.denominator) == (110, 170)
        assert out.passed is True

    def test_abstentions_are_participants(self):
        # 4 agree, 2 against, 2 abstain: 4 of 8 participating owners is only half
        counts = {
            "for": owners(4, "700.00"),
            "against": owners(2, "100.00"),
            "abstain": owners(2, "100.00"),
        }
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(10, "1000.00"))
        assert check(out, "agree_owners").reached == Fraction(1, 2)
        assert out.passed is False

    def test_area_majority_without_owner_majority_fails(self):
        # two big flats agree, three small ones do not
        counts = {"for": owners(2, "280.50"), "against": owners(3, "150.00")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(5, "430.50"))
        assert check(out, "agree_area").met is True
        assert check(out, "agree_owners").met is False
        assert out.passed is False

    def test_owner_majority_without_area_majority_fails(self):
        # many small flats agree, a few big ones do not
        counts = {"for": owners(3, "150.00"), "against": owners(2, "280.50")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(5, "430.50"))
        assert check(out, "agree_owners").met is True
        assert check(out, "agree_area").met is False
        assert out.passed is False

    def test_decimal_areas_are_exact(self):
        # 68.50 + 68.50 + 68.50 against 205.50: exactly half of 411.00, not a hair more
        agree = owners(1, "68.50") + owners(1, "68.50") + owners(1, "68.50")
        assert agree.area == Decimal("205.50")
        counts = {"for": agree + owners(1, "0.00"), "against": owners(3, "205.50")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(7, "411.00"))
        assert check(out, "agree_area").reached == Fraction(1, 2)
        assert check(out, "agree_owners").met is True
        assert out.passed is False

    def test_decimal_area_where_float_would_round_up(self):
        # as floats 0.1 + 0.2 > 0.3, so "more than half" would wrongly hold
        assert 0.1 + 0.2 > 0.3
        agree = owners(1, "0.10") + owners(1, "0.20")
        counts = {"for": agree, "against": owners(1, "0.30")}
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(3, "0.60"))
        aa = check(out, "agree_area")
        assert aa.numerator == Fraction(3, 10)
        assert aa.denominator == Fraction(3, 5)
        assert aa.reached == Fraction(1, 2)
        assert aa.met is False
        assert out.passed is False

    def test_many_households_large_exact_area(self):
        # 2,500 households, 187,654.33 m²; agree with one cent over half
        total = Decimal("187654.33")
        agree_area = Decimal("93827.17")  # total / 2 = 93,827.165
        counts = {
            "for": owners(1251, str(agree_area)),
            "against": owners(1249, str(total - agree_area)),
        }
        out = civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(2500, str(total)))
        assert out.passed is True
        counts = {
            "for": owners(1251, "93827.16"),
            "against": owners(1249, str(total - Decimal("93827.16"))),
        }
        assert civil(Rule.CIVIL_CODE_ORDINARY, counts, estate(2500, str(total))).passed is False

    def test_unanimous_but_turnout_short_fails(self):
        out = civil(Rule.CIVIL_CODE_ORDINARY, {"for": owners(5, "205.50")})
        assert check(out, "agree_area").met and check(out, "agree_owners").met
        assert out.passed is False

    def test_approve_none_passes_nothing(self):
        out = civil(Rule.CIVIL_CODE_ORDINARY, {"for": owners(10, "1000.00")}, FULL, approve=None)
        assert out.passed is False
        assert out.winner is None


# --- Civil Code Art. 278: major matters ----------------------------------------------


class TestCivilCodeMajor:
    def test_exactly_three_quarters_passes(self):
        counts = {"for": owners(300, "750.00"), "against": owners(100, "250.00")}
        out = civil(Rule.CIVIL_CODE_MAJOR, counts, estate(400, "1000.00"))
        aa, ao = check(out, "agree_area"), check(out, "agree_owners")
        assert aa.reached == ao.reached == Fraction(3, 4)
        assert aa.needed == ao.needed == Fraction(3, 4)
        assert aa.strict is False and ao.strict is False
        assert aa.met and ao.met
        assert out.passed is True
        assert out.winner == "for"

    def test_area_just_under_three_quarters_fails(self):
        counts = {"for": owners(300, "749.99"), "against": owners(100, "250.01")}
        out = civil(Rule.CIVIL_CODE_MAJOR, counts, estate(400, "1000.00"))
        assert check(out, "agree_owners").met is True
        assert check(out, "agree_area").met is False
        assert out.passed is False
        assert out.winner is None

    def test_owners_just_under_three_quarters_fails(self):
        counts = {"for": owners(299, "800.00"), "against": owners(101, "200.00")}
        out = civil(Rule.CIVIL_CODE_MAJOR, counts, estate(400, "1000.00"))
        assert check(out, "agree_area").met is True
        ao = check(out, "agree_owners")
        assert (ao.numerator, ao.denominator) == (299, 400)
        assert ao.met is False
        assert out.passed is False

    def test_ordinary_majority_is_not_enough(self):
        counts = {"for": owners(7, "700.00"), "against": owners(3, "300.00")}
        assert civil(Rule.CIVIL_CODE_ORDINARY, counts, FULL).passed is True
        assert civil(Rule.CIVIL_CODE_MAJOR, counts, FULL).passed is False

    def test_abstentions_are_participants(self):
        # 6 for, 1 against, 1 abstain: 6 of 8 is exactly 3/4
        counts = {
            "for": owners(6, "750.00"),
            "against": owners(1, "125.00"),
            "abstain": owners(1, "125.00"),
        }
        assert civil(Rule.CIVIL_CODE_MAJOR, counts, estate(8, "1000.00")).passed is True
        counts["abstain"] = owners(2, "125.00")
        assert civil(Rule.CIVIL_CODE_MAJOR, counts, estate(9, "1125.00")).passed is False

    def test_big_flats_against_many_small_ones(self):
        # 3 of 4 owners agree (3/4) but they hold only 30 % of the area
        counts = {"for": owners(3, "90.00"), "against": owners(1, "210.00")}
        out = civil(Rule.CIVIL_CODE_MAJOR, counts, estate(4, "300.00"))
        assert check(out, "agree_owners").met is True
        assert check(out, "agree_area").met is False
        assert out.passed is False

    def test_decimal_three_quarters_exact(self):
        # 68.50 * 3 = 205.50 of 274.00 is exactly 3/4
        agree = owners(1, "68.50") + owners(1, "68.50") + owners(1, "68.50")
        counts = {"for": agree, "against": owners(1, "68.50")}
        out = civil(Rule.CIVIL_CODE_MAJOR, counts, estate(4, "274.00"))
        assert check(out, "agree_area").reached == Fraction(3, 4)
        assert out.passed is True
        counts = {"for": owners(3, "205.49"), "against": owners(1, "68.51")}
        assert civil(Rule.CIVIL_CODE_MAJOR, counts, estate(4, "274.00")).passed is False


# --- zero turnout / zero electorate for every rule -----------------------------------


@pytest.mark.parametrize("rule", ALL_RULES)
class TestEmpty:
    def test_zero_turnout(self, rule):
        out = decide(rule=rule, counts={}, electorate=estate(10, "500.00"))
        assert out.passed is False
        assert out.winner is None
        assert all(c.met is False for c in out.checks)

    def test_zero_counts_for_every_option(self, rule):
        counts = {"for": Count(), "against": Count(), "abstain": Count()}
        out = decide(rule=rule, counts=counts, electorate=estate(10, "500.00"))
        assert out.passed is False
        assert all(c.reached == 0 for c in out.checks)

    def test_zero_electorate_and_zero_turnout(self, rule):
        out = decide(rule=rule, counts={}, electorate=Electorate(heads=0, households=0))
        assert out.passed is False
        assert out.winner is None

    def test_zero_electorate_with_quorum(self, rule):
        out = decide(
            rule=rule,
            counts={},
            electorate=Electorate(heads=0, households=0),
            quorum=Fraction(1, 2),
        )
        assert out.passed is False

    def test_zero_turnout_several_choices(self, rule):
        out = decide(rule=rule, counts={}, electorate=estate(10, "500.00"), approve=None)
        assert out.passed is False
        assert out.winner is None

    def test_zero_electorate_with_votes(self, rule):
        # inconsistent data (votes but nobody eligible) must not raise, and a civil code
        # ballot cannot be valid; a residents' ballot without a quorum does not consult
        # the electorate at all, so its outcome is the same as with a real electorate
        counts = {"for": owners(3, "100.00")}
        out = decide(rule=rule, counts=counts, electorate=Electorate(0, 0, Decimal("0")))
        if rule.is_civil_code:
            assert out.passed is False
            assert check(out, "turnout_area").met is False
            assert check(out, "turnout_owners").met is False
        else:
            assert "quorum" not in codes(out)
            assert out == decide(rule=rule, counts=counts, electorate=residents(10))


@pytest.mark.parametrize("rule", CIVIL_RULES)
def test_civil_code_zero_area_estate_is_invalid(rule):
    # owners present but no recorded area: the area turnout cannot be met
    out = decide(rule=rule, counts={"for": owners(3, "0.00")}, electorate=estate(3, "0.00"))
    assert check(out, "turnout_area").met is False
    assert check(out, "agree_area").met is False
    assert out.passed is False


# --- Check itself --------------------------------------------------------------------


class TestCheck:
    def test_reached_and_met_strict(self):
        c = Check("majority_of_cast", Fraction(1, 2), True, Fraction(3), Fraction(6))
        assert c.reached == Fraction(1, 2)
        assert c.met is False
        c = Check("majority_of_cast", Fraction(1, 2), True, Fraction(4), Fraction(7))
        assert c.met is True

    def test_reached_and_met_non_strict(self):
        c = Check("two_thirds_of_cast", Fraction(2, 3), False, Fraction(4), Fraction(6))
        assert c.met is True
        c = Check("two_thirds_of_cast", Fraction(2, 3), False, Fraction(3), Fraction(5))
        assert c.met is False

    def test_zero_denominator(self):
        c = Check("quorum", Fraction(0), False, Fraction(0), Fraction(0))
        assert c.reached == 0
        assert c.met is False


# --- properties ----------------------------------------------------------------------

votes = st.integers(min_value=0, max_value=10**6)
small = st.integers(min_value=0, max_value=12)
counts_n = st.one_of(small, votes)


@PROPERTY_SETTINGS
@given(f=counts_n, a=counts_n, b=counts_n, extra=counts_n)
def test_property_majority_iff_twice_for_exceeds_cast(f, a, b, extra):
    cast = f + a + b
    out = decide(rule=Rule.MAJORITY, counts=ballot(f, a, b), electorate=residents(cast + extra))
    assert out.passed is (2 * f > cast)
    assert out.winner == ("for" if 2 * f > cast else None)


@PROPERTY_SETTINGS
@given(f=counts_n, a=counts_n, b=counts_n, extra=counts_n)
def test_property_two_thirds_iff_three_for_reaches_twice_cast(f, a, b, extra):
    cast = f + a + b
    out = decide(rule=Rule.TWO_THIRDS, counts=ballot(f, a, b), electorate=residents(cast + extra))
    assert out.passed is (cast > 0 and 3 * f >= 2 * cast)


@PROPERTY_SETTINGS
@given(
    rule=st.sampled_from(RESIDENT_RULES),
    f=counts_n,
    a=counts_n,
    b=counts_n,
    extra=counts_n,
    quorum=st.one_of(st.none(), st.fractions(min_value=0, max_value=1, max_denominator=12)),
    unit=st.sampled_from(["heads", "households"]),
)
def test_property_one_more_vote_for_never_undoes_a_pass(rule, f, a, b, extra, quorum, unit):
    # the eligible electorate stays the same; the new voter was one of the absent
    electorate = residents(f + a + b + extra + 1)
    before = decide(
        rule=rule, counts=ballot(f, a, b), electorate=electorate, quorum=quorum, unit=unit
    )
    after = decide(
        rule=rule, counts=ballot(f + 1, a, b), electorate=electorate, quorum=quorum, unit=unit
    )
    if before.passed:
        assert after.passed
    # moving a vote from against to for never hurts either
    if a:
        moved = decide(
            rule=rule,
            counts=ballot(f + 1, a - 1, b),
            electorate=electorate,
            quorum=quorum,
            unit=unit,
        )
        if before.passed:
            assert moved.passed


@PROPERTY_SETTINGS
@given(
    rule=st.sampled_from(RESIDENT_RULES),
    f=counts_n,
    a=counts_n,
    b=counts_n,
    eligible=counts_n,
    quorum=st.fractions(min_value=0, max_value=1, max_denominator=12),
)
def test_property_quorum_iff_cross_multiplied(rule, f, a, b, eligible, quorum):
    cast = f + a + b
    out = decide(rule=rule, counts=ballot(f, a, b), electorate=residents(eligible), quorum=quorum)
    q_met = eligible > 0 and cast * quorum.denominator >= quorum.numerator * eligible
    assert check(out, "quorum").met is q_met
    vote_met = 2 * f > cast if rule is Rule.MAJORITY else cast > 0 and 3 * f >= 2 * cast
    assert out.passed is (q_met and vote_met)


def _side(hh: st.SearchStrategy, area: st.SearchStrategy):
    return st.tuples(hh, area)


small_hh = st.integers(min_value=0, max_value=8)
big_hh = st.integers(min_value=0, max_value=5000)
small_cents = st.integers(min_value=0, max_value=8)
big_cents = st.integers(min_value=0, max_value=10**9)  # up to 10,000,000.00 m²
side = st.one_of(_side(small_hh, small_cents), _side(big_hh, big_cents))


@PROPERTY_SETTINGS
@given(
    rule=st.sampled_from(CIVIL_RULES),
    yes=side,
    no=side,
    abstain=side,
    absent=side,
)
def test_property_civil_code_iff_integer_inequalities(rule, yes, no, abstain, absent):
    (yes_hh, yes_c), (no_hh, no_c), (ab_hh, ab_c), (away_hh, away_c) = yes, no, abstain, absent
    part_hh = yes_hh + no_hh + ab_hh
    part_c = yes_c + no_c + ab_c
    all_hh = part_hh + away_hh
    all_c = part_c + away_c
    counts = {
        "for": Count(heads=yes_hh, households=yes_hh, area=cents(yes_c)),
        "against": Count(heads=no_hh, households=no_hh, area=cents(no_c)),
        "abstain": Count(heads=ab_hh, households=ab_hh, area=cents(ab_c)),
    }
    electorate = Electorate(heads=all_hh, households=all_hh, area=cents(all_c))
    out = decide(rule=rule, counts=counts, electorate=electorate)

    turnout_area = all_c > 0 and 3 * part_c >= 2 * all_c
    turnout_owners = all_hh > 0 and 3 * part_hh >= 2 * all_hh
    if rule is Rule.CIVIL_CODE_ORDINARY:
        agree_area = part_c > 0 and 2 * yes_c > part_c
        agree_owners = part_hh > 0 and 2 * yes_hh > part_hh
    else:
        agree_area = part_c > 0 and 4 * yes_c >= 3 * part_c
        agree_owners = part_hh > 0 and 4 * yes_hh >= 3 * part_hh
    expected = {
        "turnout_area": turnout_area,
        "turnout_owners": turnout_owners,
        "agree_area": agree_area,
        "agree_owners": agree_owners,
    }
    assert {c.code: c.met for c in out.checks} == expected
    assert out.passed is all(expected.values())
    assert out.winner == ("for" if out.passed else None)


option_count = st.builds(
    lambda h, hh, c: Count(heads=h, households=hh, area=cents(c)), small, small, big_cents
)


@PROPERTY_SETTINGS
@given(
    data=st.data(),
    options=st.dictionaries(
        st.sampled_from(["for", "against", "abstain", "red", "green", "blue", "white"]),
        option_count,
        min_size=0,
        max_size=7,
    ),
    rule=st.sampled_from(ALL_RULES),
    approve=st.sampled_from(["for", None]),
    quorum=st.one_of(st.none(), st.fractions(min_value=0, max_value=1, max_denominator=6)),
    unit=st.sampled_from(["heads", "households"]),
    extra=small,
)
def test_property_order_of_counts_does_not_matter(
    data, options, rule, approve, quorum, unit, extra
):
    total = sum(options.values(), Count())
    electorate = Electorate(
        heads=total.heads + extra,
        households=total.households + extra,
        area=total.area + extra,
    )
    kwargs = {
        "rule": rule,
        "electorate": electorate,
        "approve": approve,
        "quorum": quorum,
        "unit": unit,
    }
    reference = decide(counts=options, **kwargs)
    order = data.draw(st.permutations(list(options)))
    shuffled = decide(counts={key: options[key] for key in order}, **kwargs)
    assert shuffled == reference
    rev = decide(counts={key: options[key] for key in reversed(order)}, **kwargs)
    assert rev == reference


@PROPERTY_SETTINGS
@given(
    options=st.dictionaries(
        st.sampled_from(["red", "green", "blue", "white", "black"]), small, max_size=5
    ),
    rule=st.sampled_from(RESIDENT_RULES),
)
def test_property_several_choices_unique_leader_reaching_threshold(options, rule):
    counts = {key: heads(n) for key, n in options.items()}
    cast = sum(options.values())
    out = decide(rule=rule, counts=counts, electorate=residents(cast), approve=None)
    best = max(options.values(), default=0)
    leaders = [key for key, n in options.items() if n == best]
    reaches = 2 * best > cast if rule is Rule.MAJORITY else cast > 0 and 3 * best >= 2 * cast
    expected = leaders[0] if len(leaders) == 1 and best > 0 and reaches else None
    assert out.winner == expected
    assert out.passed is (expected is not None)
