"""Counterfactuals (engine/whatif): exact regions for real profiles, checked against brute force."""
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.cli import main
from engine.errors import VerdictError
from engine.values import to_json_value
from engine.whatif import counterfactuals
from engine.whatif.render import render

RULESET = "rulesets/student_health"
AS_OF = "2025-09-01"


@pytest.fixture(scope="module")
def student_health():
    return engine.load_ruleset(RULESET)


def summary(found) -> list:
    out = []
    for cf in list(found.single) + list(found.pairs):
        parts = [f"{c.fact} {[r.to_dict() for r in c.regions]}" for c in cf.changes]
        out.append(" & ".join(parts) + f" -> {to_json_value(cf.value)}")
    return out


CN = {"nationality": "CN", "birth_date": "2001-03-14", "higher_education": True, "stay_months": 12,
      "holds_ceam": False}
CSS = {"household_size": 1, "annual_resources": "11000", "territory": "metropole"}
EU_NAMES = ['AT', 'BE', 'BG', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'GR', 'HR', 'HU', 'IE', 'IS',
            'IT', 'LI', 'LT', 'LU', 'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']
NOT_FR = "insured_in [{'values': [], 'any_other_than': ['FR']}]"

PROFILES = [
    ("one person with a participation", CSS, "css_status", None, (), [
        "household_size [{'min': 2, 'max': 20}] -> free",
        "annual_resources [{'min': '0', 'max': '10339.00'}] -> free",
        "annual_resources [{'above': '13957.00'}] -> not_eligible",
        "territory [{'values': ['outre_mer']}] -> free",
        NOT_FR + " -> not_eligible"]),
    ("what would make it free", CSS, "css_status", "free", (), [
        "household_size [{'min': 2, 'max': 20}] -> free",
        "annual_resources [{'min': '0', 'max': '10339.00'}] -> free",
        "territory [{'values': ['outre_mer']}] -> free"]),
    ("free, household and territory fixed", CSS, "css_status", "free", ("household_size", "territory"), [
        "annual_resources [{'min': '0', 'max': '10339.00'}] -> free"]),
    ("three persons overseas, free", dict(household_size=3, annual_resources="5000", territory="outre_mer"),
     "css_status", None, (), [
        "annual_resources [{'above': '20712.00', 'max': '27961.00'}] -> participation",
        "annual_resources [{'above': '27961.00'}] -> not_eligible",
        NOT_FR + " -> not_eligible"]),
    ("insured in Germany: two changes", dict(CSS, insured_in="DE"), "css_status", "free", (), [
        "household_size [{'min': 2, 'max': 20}] & insured_in [{'values': ['FR']}] -> free",
        "annual_resources [{'min': '0', 'max': '10339.00'}] & insured_in [{'values': ['FR']}] -> free",
        "territory [{'values': ['outre_mer']}] & insured_in [{'values': ['FR']}] -> free"]),
    ("Chinese student", CN, "enrolment", None, (), [
        "nationality [{'values': ['FR']}] -> not_concerned",
        "higher_education [{'values': [False]}] -> not_concerned",
        "stay_months [{'min': 0, 'max': 2}] -> private_cover_short_stay",
        "quebec_form [{'values': [True]}] -> exempt_quebec",
        "salaried [{'values': [True]}] -> register_local_cpam"]),
    ("Chinese student, wanting the CEAM exemption", CN, "enrolment", "exempt_ceam", (), [
        f"nationality [{{'values': {EU_NAMES}}}] & holds_ceam [{{'values': [True]}}] -> exempt_ceam"]),
    ("German student with a CEAM", dict(CN, nationality="DE", holds_ceam=True), "enrolment", None, (), [
        "nationality [{'values': ['FR']}] -> not_concerned",
        f"nationality [{{'values': [], 'any_other_than': {sorted(EU_NAMES + ['FR'])}}}] -> register_student_portal",
        "higher_education [{'values': [False]}] -> not_concerned",
        "holds_ceam [{'values': [False]}] -> register_student_portal",
        "salaried [{'values': [True]}] -> register_local_cpam"]),
    ("the CEAM exemption, nationality fixed", CN, "enrolment", "exempt_ceam", ("nationality",), []),
    ("participation by age: birth_date moves age_on_1_january", dict(CSS, birth_date="1990-06-01"),
     "css_monthly_participation", None, (), [
        "birth_date [{'min': '1894-01-02', 'max': '1955-01-01'}] -> 30.00",  # age 0..130 bounds it
        "birth_date [{'min': '1955-01-02', 'max': '1965-01-01'}] -> 25.00",
        "birth_date [{'min': '1965-01-02', 'max': '1975-01-01'}] -> 21.00",
        "birth_date [{'min': '1995-01-02', 'max': '2025-12-31'}] -> 8.00",
        "household_size [{'min': 2, 'max': 20}] -> 0.00",
        "annual_resources [{'min': '0', 'max': '10339.00'}, {'above': '13957.00'}] -> 0.00",
        "territory [{'values': ['outre_mer']}] -> 0.00",
        NOT_FR + " -> 0.00"]),
    ("14 € a month, only the age may change", dict(CSS, birth_date="2001-03-14"), "css_monthly_participation",
     "14", ("household_size", "annual_resources", "territory", "insured_in"), [
        "birth_date [{'min': '1975-01-02', 'max': '1995-01-01'}] -> 14.00"]),
    ("GP reimbursement outside the care pathway",
     dict(birth_date="2001-03-14", has_medecin_traitant=False, doctor_sector="sector_1"), "gp_reimbursement",
     None, (), [
        "birth_date [{'min': '2007-09-02', 'max': '2009-09-01'}] -> 9.00",
        "css_beneficiary [{'values': [True]}] -> 9.00",
        "has_medecin_traitant [{'values': [True]}] -> 19.00"]),
]


@pytest.mark.parametrize("name, facts, output, want, fixed, expected", PROFILES, ids=[p[0] for p in PROFILES])
def test_exact_counterfactuals_of_real_profiles(student_health, name, facts, output, want, fixed, expected):
    found = counterfactuals(student_health, facts, output, want=want, fixed=fixed, as_of=AS_OF)
    assert summary(found) == expected
    assert found.not_covered == ()


def test_amounts_and_other_countries_read_as_each_language_writes_them(student_health):
    facts = dict(CSS, birth_date="2001-03-14", insured_in="FR")
    found = counterfactuals(student_health, facts, "css_monthly_participation", as_of=AS_OF)
    zh, fr = render(found, student_health, "zh").splitlines(), render(found, student_health, "fr").splitlines()
    assert zh[1] == "以下变化会改变结果："
    assert "- 若家庭收入不超过 €10,339.00 或超过 €13,957.00，补充医疗保障每人每月参保费将为 €0.00。" in zh
    assert "- 若医保所属国家为法国以外的国家，补充医疗保障每人每月参保费将为 €0.00。" in zh
    assert fr[-1] == ("- Participation mensuelle à la Complémentaire santé solidaire, par personne : 0,00\u00a0€ si "
                      "« Pays d'assurance maladie » : hors France.")


def test_the_text_in_three_languages(student_health):
    found = counterfactuals(student_health, CSS, "css_status", want="free", fixed=("household_size",), as_of=AS_OF)
    assert render(found, student_health, "en") == (
        "Complémentaire santé solidaire: with a monthly participation as of 1\u00a0September\u00a02025.\n"
        "Kept as they are: “Persons in the household”.\n"
        "What would make it “free”:\n"
        "- Complémentaire santé solidaire would be “free” if “Household resources” is up to €10,339.00.\n"
        "- Complémentaire santé solidaire would be “free” if “Where the household lives” is overseas France.\n")
    assert render(found, student_health, "fr").splitlines()[1:4:2] == [
        "Faits gardés tels quels : « Nombre de personnes du foyer ».",
        "- Complémentaire santé solidaire : gratuite si « Ressources du foyer » : jusqu'à 10\u202f339,00\u00a0€."]
    assert render(found, student_health, "zh").splitlines()[3] == (
        "- 若家庭收入不超过 €10,339.00，补充医疗保障（CSS）将为“免费”。")


def test_the_verdict_method_uses_the_verdicts_own_facts_and_date(student_health):
    verdict = student_health.evaluate(CSS, as_of=AS_OF, outputs=["css_status"])
    found = verdict.counterfactuals("css_status", want="free", fixed=("household_size", "territory"))
    assert summary(found) == ["annual_resources [{'min': '0', 'max': '10339.00'}] -> free"]
    assert found.as_of == dt.date(2025, 9, 1)
    interpreted = student_health.interpret(CSS, as_of=AS_OF, outputs=["css_status"])
    with pytest.raises(VerdictError, match="does not say which ruleset made it"):
        interpreted.counterfactuals("css_status")
    assert summary(interpreted.counterfactuals("css_status", want="free", ruleset=student_health))[0] == (
        "household_size [{'min': 2, 'max': 20}] -> free")


def test_the_command_line(tmp_path, capsys):
    facts = tmp_path / "facts.yaml"
    facts.write_text("household_size: 1\nannual_resources: 11000\nterritory: metropole\n", encoding="utf-8")
    assert main(["whatif", RULESET, "--facts", str(facts), "--output", "css_status", "--want", "free",
                 "--fixed", "household_size", "--fixed", "territory", "--as-of", AS_OF, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "output": "css_status", "as_of": AS_OF, "value": "participation", "want": "free",
        "fixed": ["household_size", "territory"],
        "single": [{"changes": [{"fact": "annual_resources", "from": "11000.00",
                                 "to": [{"min": "0", "max": "10339.00"}], "nearest": "10339.00"}],
                    "value": "free"}],
        "pairs": [], "pairs_truncated": False, "not_covered": []}
    assert main(["whatif", RULESET, "--facts", str(facts), "--output", "css_status", "--want", "gratis",
                 "--as-of", AS_OF]) == 2
    assert "wanted value of `css_status`: expected CssStatus" in capsys.readouterr().err
    assert main(["whatif", RULESET, "--facts", str(facts), "--output", "css_status", "--fixed", "age",
                 "--as-of", AS_OF]) == 2
    assert "--fixed: unknown fact `age`" in capsys.readouterr().err


# ---------------------------------------------------------------------------- brute force

SMALL = """type Band = {{low, mid, high}}
input x : integer 0..30
input m : money >= 0 €
input flag : bool
input born : date
decision years : integer = years_between(born, as_of)
decision band : Band hit first
  | x         | m        || band
  | <= {A}    | -        || low
  | -         | <= {M} € || mid
  | otherwise | -        || high
decision result : {{yes, no}} hit first
  | band      | flag | years   || result
  | low       | true | -       || yes
  | mid       | -    | >= {Y}  || yes
  | high      | -    | < {Z}   || yes
  | otherwise | -    | -       || no
"""
DAY = dt.date(2025, 9, 1)


def _contains(region, value) -> bool:
    if region.values is not None or region.others:
        return value in (region.values or ()) or (region.others and value not in region.excluded)
    if region.lo is not None and (value < region.lo or (value == region.lo and not region.lo_closed)):
        return False
    if region.hi is not None and (value > region.hi or (value == region.hi and not region.hi_closed)):
        return False
    return True


def _candidates(var, thresholds, facts):
    A, M, Y, Z = thresholds
    if var == "x":
        return list(range(0, 31))
    if var == "flag":
        return [False, True]
    if var == "m":
        grid = [Decimal(k) / 2 for k in range(0, 401)]
        return grid + [Decimal(M) - Decimal("0.01"), Decimal(M) + Decimal("0.01")]
    days = set()
    for years in range(0, 90):
        anniversary = DAY.replace(year=DAY.year - years) if not (DAY.month == 2 and DAY.day == 29) else DAY
        for shift in range(-2, 3):
            days.add(anniversary + dt.timedelta(days=shift))
    return sorted(days)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(A=st.integers(0, 30), M=st.integers(0, 150), Y=st.integers(0, 60), Z=st.integers(0, 60),
       x=st.integers(0, 30), m=st.integers(0, 30000), flag=st.booleans(),
       age=st.integers(0, 80), day_shift=st.integers(0, 364))
def test_single_changes_agree_with_brute_force(tmp_path, A, M, Y, Z, x, m, flag, age, day_shift):
    path = tmp_path / "small.rules"
    path.write_text(SMALL.format(A=A, M=M, Y=Y, Z=Z), encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    born = DAY.replace(year=DAY.year - age) - dt.timedelta(days=day_shift)
    facts = {"x": x, "m": Decimal(m) / 100, "flag": flag, "born": born}
    current = ruleset.evaluate(facts, as_of=DAY, outputs=["result"]).outputs["result"]
    found = counterfactuals(ruleset, facts, "result", as_of=DAY)
    assert found.not_covered == ()
    by_fact = {cf.changes[0].fact: cf for cf in found.single}
    for var in ("x", "m", "flag", "born"):
        for value in _candidates(var, (A, M, Y, Z), facts):
            if var == "m" and value < 0:
                continue
            outcome = ruleset.evaluate(dict(facts, **{var: value}), as_of=DAY, outputs=["result"]).outputs["result"]
            cf = by_fact.get(var)
            inside = cf is not None and any(_contains(r, value) for r in cf.changes[0].regions)
            assert inside == (outcome != current), (var, value, outcome, current)
            if inside:
                assert cf.value == outcome


# ---------------------------------------------------------------------------- properties

PROPERTIES = """input x : integer 0..10
input ok : bool
input amount : money >= 0 €
decision d : integer = x * 2
decision e : integer = if x > 5 then 10 - x else x
decision band : {low, high} hit first
  | amount   || band
  | <= 100 € || low
  | -        || high
"""


def _check(tmp_path, text: str) -> list:
    path = tmp_path / "p.rules"
    path.write_text(PROPERTIES + text, encoding="utf-8")
    return [d for d in engine.load_ruleset(path).check(properties=True) if d.code != "unused"]


def test_properties_that_hold_are_proved(tmp_path):
    assert _check(tmp_path, "assert d is monotone increasing in x\n"
                            "assert d >= 0 implies x >= 0\n"
                            "assert d != 3 when ok and x = 1\n"
                            "assert band = low implies amount <= 100 €\n"
                            "assert d <= 20\n") == []


def test_a_refuted_property_is_an_error_with_its_counterexample(tmp_path):
    found = _check(tmp_path, "assert band = low implies amount < 100 €\n"
                             "assert e is monotone increasing in x\n")
    assert [(d.severity, d.code, d.span.line) for d in found] == [
        ("error", "property-refuted", 10), ("error", "property-refuted", 11)]
    assert found[0].example["amount"] == "100"
    assert found[0].message.startswith("property refuted: `band = low implies amount < 100 €` fails for amount = 100")
    assert found[1].example["x"] == [5, 6]
    assert found[1].message.endswith("x = 5 gives e = 5, but x = 6 gives 4")


AGES = """input birth_date : date
decision age : integer = years_between(birth_date, as_of)
decision ranged_age : integer 0..130 = years_between(birth_date, as_of)
"""


@pytest.mark.parametrize("claim, holds", [
    ("age <= 20", False), ("age >= 0", False), ("ranged_age <= 128", False),  # only the claim compares them
    ("ranged_age >= 0", True), ("ranged_age <= 130", True),
])
def test_a_claim_s_own_comparison_of_a_date_s_carrier_divides_the_dates(tmp_path, claim, holds):
    """The rules compare neither age: the claim's bound alone must cut the birth dates (one sample of
    every date proved `age <= 20`), and a declared range must not leave a date sampled as a number."""
    path = tmp_path / "p.rules"
    path.write_text(AGES + f"assert {claim}\n", encoding="utf-8")
    found = [d for d in engine.load_ruleset(path).check(properties=True) if d.code != "unused"]
    assert [d.code for d in found] == ([] if holds else ["property-refuted"])
    if not holds:
        given = dt.date.fromisoformat(found[0].example["birth_date"])
        as_of = dt.date.fromisoformat(found[0].example["as_of"])
        name = claim.split()[0]
        verdict = engine.load_ruleset(path).evaluate({"birth_date": given}, as_of=as_of, outputs=[name])
        assert not claim_holds(claim, verdict.outputs[name])  # the counterexample is one


def claim_holds(claim: str, value: int) -> bool:
    name, op, bound = claim.split()
    return {"<=": value <= int(bound), ">=": value >= int(bound)}[op]


def test_a_property_that_is_not_a_condition_is_a_type_error(tmp_path):
    found = _check(tmp_path, "assert d + 1\n")
    assert [(d.code, d.message) for d in found] == [("type-mismatch", "`d + 1` is not a condition (true or false)")]


def test_the_bundled_ruleset_proves_its_properties(student_health):
    from engine.whatif.properties import assertions, check_properties
    assert len(assertions(student_health)) >= 5
    assert check_properties(student_health) == []


WANG_YAML = ("nationality: CN\nbirth_date: 2001-03-14\nhigher_education: true\nstay_months: 12\n"
             "holds_ceam: false\nhousehold_size: 1\nannual_resources: 11000\nterritory: metropole\n")


@pytest.mark.parametrize("doc", ["docs/whatif.md", "docs/student_health.md"])
def test_the_documented_whatif_outputs_are_what_the_engine_prints(doc, tmp_path, capsys):
    import re
    import shlex
    from pathlib import Path
    facts = tmp_path / "wang.yaml"
    facts.write_text(WANG_YAML, encoding="utf-8")
    text = (Path(__file__).resolve().parent.parent / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```\n\$ (verdict whatif [^\n]+)\n(.*?)```", text, re.S)
    assert blocks
    for command, expected in blocks:
        argv = [str(facts) if a == "wang.yaml" else a for a in shlex.split(command)[1:]]
        assert main(argv) == 0
        assert capsys.readouterr().out == expected, command


def test_fmt_keeps_properties(tmp_path):
    from engine.fmt import format_text
    text = "input x : integer 0..10\ndecision d : integer = x * 2\nassert   d is monotone increasing in x\n\n\n\nassert d>=0 implies x >= 0   # why\n"
    assert format_text(text).splitlines()[2:] == [
        "assert d is monotone increasing in x", "", "assert d>=0 implies x >= 0  # why"]


def test_a_property_that_cannot_be_decided_is_a_note(tmp_path, capsys):
    found = _check(tmp_path, "decision twice : money = amount * 2\nassert twice >= 0 €\n")
    assert [(d.severity, d.code, d.message) for d in found] == [
        ("note", "property-undecided", "property not decided: `twice >= 0 €`: `amount` is used in a computation")]
    assert main(["check", str(tmp_path / "p.rules")]) == 0
    assert capsys.readouterr().out.endswith("0 error(s), 1 warning(s)\n")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(A=st.integers(0, 30), M=st.integers(0, 150), Y=st.integers(0, 60), Z=st.integers(0, 60),
       x=st.integers(0, 30), m=st.integers(0, 30000), flag=st.booleans(), age=st.integers(0, 80))
def test_two_changes_reach_the_wanted_value_and_only_when_no_single_one_does(tmp_path, A, M, Y, Z, x, m, flag, age):
    path = tmp_path / "small.rules"
    path.write_text(SMALL.format(A=A, M=M, Y=Y, Z=Z), encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    facts = {"x": x, "m": Decimal(m) / 100, "flag": flag, "born": DAY.replace(year=DAY.year - age)}
    current = ruleset.evaluate(facts, as_of=DAY, outputs=["result"]).outputs["result"]
    want = "no" if current == "yes" else "yes"
    found = counterfactuals(ruleset, facts, "result", want=want, as_of=DAY)
    assert not (found.single and found.pairs)
    for cf in found.pairs:
        changed = dict(facts, **{c.fact: c.nearest for c in cf.changes})
        assert ruleset.evaluate(changed, as_of=DAY, outputs=["result"]).outputs["result"] == want


def test_a_fact_left_unexplored_is_not_counted_among_the_facts_that_change_nothing(tmp_path):
    (tmp_path / "r.rules").write_text('input stay : duration\ninput paid : bool\ndecision visa : text\n'
                                      '  | stay      | paid || visa\n  | < 90 days | -    || "short stay"\n'
                                      '  | otherwise | -    || "long stay"\n', encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "r.rules")
    found = counterfactuals(ruleset, {"stay": "P30D", "paid": True}, "visa", as_of=AS_OF)
    assert found.not_covered == (("stay", "`stay` is a duration"),)
    assert render(found, ruleset, "en").splitlines()[1:] == [
        "No change of one or two of the facts explored changes visa.", "Not explored: stay (`stay` is a duration)."]
    assert render(found, ruleset, "fr").splitlines()[1] == \
        "Aucun changement d'un ou deux des faits explorés ne change visa."


def test_the_value_wanted_is_quoted_as_each_line_quotes_it_also_when_nothing_gives_it(tmp_path):
    (tmp_path / "r.rules").write_text('input paid : bool\ndecision visa : text\n'
                                      '  | paid || visa\n  | true || "long stay"\n'
                                      '  | -    || "refused"\n', encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "r.rules")
    found = counterfactuals(ruleset, {"paid": False}, "visa", want="short stay", as_of=AS_OF)
    assert (found.single, found.pairs) == ((), ())
    assert render(found, ruleset, "en").splitlines()[1] == \
        "No change of one or two of these facts makes visa “short stay”."
    assert render(found, ruleset, "fr").splitlines()[1] == \
        "Aucun changement d'un ou deux de ces faits ne donne « short stay » pour visa."
    assert render(found, ruleset, "zh").splitlines()[1] == "改变其中一两项事实都不能使visa为“short stay”。"


def test_a_range_open_at_one_end_says_which_end_is_in_and_the_nearest_value_is_one_cent_inside(student_health):
    """13,957 € is still `participation` (the ceiling is included), 10,339 € is not (it is `free`):
    the text says so, and `nearest` is the first cent a change can reach."""
    facts = dict(CSS, annual_resources="9000", insured_in="FR")
    found = counterfactuals(student_health, facts, "css_status", as_of=AS_OF)
    assert [(c.changes[0].fact, c.value, str(c.changes[0].nearest)) for c in found.single] == [
        ("annual_resources", "participation", "10339.01"), ("annual_resources", "not_eligible", "13957.01"),
        ("insured_in", "not_eligible", "AD")]
    lines = {lang: render(found, student_health, lang).splitlines()[2] for lang in ("en", "fr", "zh")}
    assert lines["en"] == ("- Complémentaire santé solidaire would be “with a monthly participation” if “Household "
                           "resources” is above €10,339.00 and up to €13,957.00.")
    assert lines["fr"] == ("- Complémentaire santé solidaire : avec participation financière si « Ressources du foyer » : "
                           "plus de 10\u202f339,00\u00a0€ et jusqu'à 13\u202f957,00\u00a0€.")
    assert lines["zh"] == "- 若家庭收入超过 €10,339.00 且不超过 €13,957.00，补充医疗保障（CSS）将为“需缴纳参保费”。"
    for cents in ("13957.00", "10339.01"):  # the ends the text puts inside the range are inside it
        assert student_health.evaluate(dict(facts, annual_resources=cents), as_of=AS_OF,
                                       outputs=["css_status"]).outputs["css_status"] == "participation"
    assert student_health.evaluate(dict(facts, annual_resources="10339.00"), as_of=AS_OF,
                                   outputs=["css_status"]).outputs["css_status"] == "free"


def test_nearest_is_one_step_inside_an_open_end_for_integers_and_dates():
    from engine.whatif.pieces import Piece
    from engine.whatif.search import _closest_in
    from engine.whatif.space import step_of as _step
    from engine.values import DATE, INTEGER, NUMBER
    above_ten = Piece(15, 10, False, 20, True)
    assert _closest_in(above_ten, 3, _step(INTEGER)) == 11
    assert _closest_in(above_ten, 30, _step(INTEGER)) == 20  # the closed end itself
    days = Piece(dt.date(2025, 3, 1), dt.date(2025, 1, 1), False, None, True)
    assert _closest_in(days, dt.date(2024, 6, 1), _step(DATE)) == dt.date(2025, 1, 2)
    assert _closest_in(Piece(Decimal("1.5"), Decimal(1), False, Decimal(2), True), Decimal(0), _step(NUMBER)) == Decimal("1.5")


def test_the_text_names_each_fact_by_its_title_in_quotes_or_by_its_name_when_it_has_none(tmp_path):
    """A title reads in the sentence whatever its grammar (a question, "Holds …"): quoted in English
    and French; a fact with no title is named by its name, underscores as spaces."""
    (tmp_path / "r.rules").write_text(
        'input paid : bool "Has paid the fee"\ninput nights_booked : integer 0..100\ndecision visa : text hit first\n'
        '  | paid  | nights_booked || visa\n  | true  | <= 10         || "short stay"\n'
        '  | -     | -             || "refused"\n', encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "r.rules")
    found = counterfactuals(ruleset, {"paid": False, "nights_booked": 5}, "visa", want="short stay", as_of=AS_OF)
    assert render(found, ruleset, "en").splitlines()[1:] == [
        "What would make it “short stay”:", "- visa would be “short stay” if “Has paid the fee” is true."]
    found = counterfactuals(ruleset, {"paid": True, "nights_booked": 50}, "visa", want="short stay", as_of=AS_OF,
                            fixed=("paid",))
    assert render(found, ruleset, "en").splitlines()[1:] == [
        "Kept as they are: “Has paid the fee”.", "What would make it “short stay”:",
        "- visa would be “short stay” if “nights booked” is up to 10."]
    assert render(found, ruleset, "fr").splitlines()[3] == "- visa : short stay si « nights booked » : jusqu'à 10."
    assert render(found, ruleset, "zh").splitlines()[3] == "- 若nights booked不超过 10，visa将为“short stay”。"


def test_the_documented_python_of_whatif_md_runs(capsys, monkeypatch):
    """The Python example of docs/whatif.md (the façade's `v.counterfactuals`, and the supported
    `engine.whatif.counterfactuals` and `render`) runs, and its comments say what it gives."""
    import re
    from pathlib import Path

    import yaml
    root = Path(__file__).resolve().parent.parent
    monkeypatch.chdir(root)
    block, = re.findall(r"```python\n(.*?)```", (root / "docs" / "whatif.md").read_text(encoding="utf-8"), re.S)
    namespace = {"wang": yaml.safe_load(WANG_YAML)}
    exec(compile(block, "docs/whatif.md", "exec"), namespace)
    found = namespace["found"]
    assert found.to_dict()["single"][0]["changes"][0]["to"] == [{"min": "0", "max": "10339.00"}]
    assert found == counterfactuals(namespace["rs"], namespace["wang"], "css_status", want="free",
                                    fixed=["household_size"], as_of=AS_OF)
    assert "would be “free” if “Household resources” is up to €10,339.00." in capsys.readouterr().out
