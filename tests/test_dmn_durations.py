"""DMN import of FEEL durations (engine/dmn/feel_durations.py): literals, date arithmetic, the two
duration types, properties; what verdict cannot say exactly (hours, minutes, seconds) refused at
its element. And the TCK run in part (engine/dmn/tck_parts.py), which reaches cases 1120 and 1121."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.dmn.feel import FeelError, tokenize
from engine.dmn.feel_durations import parse_iso
from engine.dmn.to_rules import import_dmn
from engine.durations import Months
from engine.errors import VerdictError
from tests.test_codegen import both_ways

DAY = dt.date(2025, 1, 1)
TCK = os.environ.get("VERDICT_TCK", "/work/.mirror/dmn-tck+tck/repo")


def model(body: str) -> str:
    return ('<?xml version="1.0"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="m" '
            f'namespace="urn:m">\n{body}\n</definitions>\n')


def literal_model(text: str, type_ref: str = "") -> str:
    typed = f' typeRef="{type_ref}"' if type_ref else ""
    return model('<inputData id="i1" name="Arrival"><variable name="Arrival" typeRef="date"/></inputData>\n'
                 f'<decision id="d1" name="X"><variable name="X"{typed}/>\n'
                 f'<literalExpression id="e1"><text>{text}</text></literalExpression></decision>')


def refusal(xml: str) -> list:
    with pytest.raises(VerdictError) as caught:
        import_dmn(xml.encode(), "m.dmn")
    return [d.message for d in caught.value.diagnostics]


def decision_line(result) -> str:
    return next(line for line in result.text.splitlines() if line.startswith("decision X"))


# ---------------------------------------------------------------------------- literals

@pytest.mark.parametrize("feel, rules, value", [
    ('duration("P30D")', "30 days", dt.timedelta(days=30)),
    ('duration("P1D")', "1 day", dt.timedelta(days=1)),
    ('duration("P0D")', "0 days", dt.timedelta(0)),
    ('duration("PT24H")', "1 day", dt.timedelta(days=1)),          # 24 hours are a day, exactly
    ('duration("P2DT48H")', "4 days", dt.timedelta(days=4)),
    ('duration("PT0S")', "0 days", dt.timedelta(0)),
    ('duration("-P3D")', "-3 days", dt.timedelta(days=-3)),
    ('duration("P1Y6M")', "1 year 6 months", Months(18)),
    ('duration("P26M")', "2 years 2 months", Months(26)),
    ('duration("P0M")', "0 months", Months(0)),
    ('duration("-P1Y")', "-1 year", Months(-12)),
    ('duration(from: "P1Y")', "1 year", Months(12)),
])
def test_duration_literals_become_verdict_literals(feel, rules, value):
    result = import_dmn(literal_model(feel).encode(), "m.dmn")
    assert decision_line(result) == f"decision X = {rules}"
    both_ways(result.ruleset, {"Arrival": "2025-01-01"}, DAY)  # the interpreter and the generated code agree
    assert result.ruleset.evaluate({"Arrival": "2025-01-01"}, as_of=DAY, trace=False).outputs["X"] == value


@pytest.mark.parametrize("feel, message", [
    ('duration("P1DT2H")', 'duration("P1DT2H") has 2 hours beyond whole days: verdict\'s durations count whole '
                           'days (`duration`) or whole months (`duration in months`), not hours, minutes or seconds'),
    ('duration("-PT1H2M")', 'duration("-PT1H2M") has 1 hour 2 minutes beyond whole days: verdict\'s durations count '
                            'whole days (`duration`) or whole months (`duration in months`), not hours, minutes or '
                            'seconds'),
    ('duration("PT0.5S")', 'duration("PT0.5S") has 0.5 seconds beyond whole days: verdict\'s durations count whole '
                           'days (`duration`) or whole months (`duration in months`), not hours, minutes or seconds'),
    ('duration("P1Y2D")', 'duration("P1Y2D") mixes years or months with days or a time; FEEL\'s durations are one '
                          'kind or the other (FEEL gives null)'),
    ('duration("P2W")', 'duration("P2W"): weeks (`W`) are not part of FEEL\'s durations; write days (`P14D`)'),
    ('duration("1D")', 'duration("1D") is not an ISO 8601 duration (`P30D`, `P1Y6M`); FEEL gives null'),
    ('duration("P")', 'duration("P") is not an ISO 8601 duration (`P30D`, `P1Y6M`); FEEL gives null'),
    ('duration("P99999999Y")', 'duration("P99999999Y") is 1199999988 months, longer than verdict\'s durations hold '
                               '(999999999 months at most)'),
    ('duration(Arrival)', 'duration(…) is translated from a literal ISO 8601 text (`duration("P30D")`); a duration '
                          'made from a text at evaluation is not (verdict reads duration facts as ISO 8601 itself)'),
    ('duration("P1D").hours', '`.hours` of a days and time duration is not translated: verdict\'s durations count '
                              'whole days (`duration`) or whole months (`duration in months`), not hours, minutes or '
                              'seconds'),
    ('duration("P1Y").days', '`.days` is not a property of a years and months duration (it has `.years` and '
                             '`.months`)'),
    ('years and months duration(date and time("2017-12-31T13:00:00"), Arrival)',
     'years and months duration(from, to) is translated between two dates; its `from` is a date and time (times of '
     'day and date and time have no equivalent in verdict)'),
    ('years and months duration(Arrival)',
     'years and months duration(from, to) takes two dates; 1 argument(s) given (FEEL gives null)'),
])
def test_what_verdict_cannot_say_exactly_is_refused_at_its_element(feel, message):
    assert refusal(literal_model(feel)) == [f"literalExpression (id e1, line 5): {message}"]


def test_a_part_of_a_day_in_a_table_cell_is_refused_at_its_rule():
    xml = model('''<inputData id="i1" name="Stay"><variable name="Stay" typeRef="days and time duration"/></inputData>
<decision id="d1" name="Kind"><variable name="Kind" typeRef="string"/>
 <decisionTable id="t1"><input id="c1"><inputExpression><text>Stay</text></inputExpression></input><output id="o1"/>
 <rule id="r1"><inputEntry><text>&lt; duration("P1DT2H")</text></inputEntry><outputEntry><text>"short"</text></outputEntry></rule>
 </decisionTable></decision>''')
    assert refusal(xml) == ["rule (id r1, line 6): duration(\"P1DT2H\") has 2 hours beyond whole days: verdict's "
                            "durations count whole days (`duration`) or whole months (`duration in months`), not "
                            "hours, minutes or seconds"]


# ---------------------------------------------------------------------------- types, arithmetic, tables

STAYS = model('''<itemDefinition name="tStay"><typeRef>days and time duration</typeRef>
 <allowedValues><text>[duration("P0D")..duration("P365D")]</text></allowedValues></itemDefinition>
<inputData id="i1" name="Arrival"><variable name="Arrival" typeRef="date"/></inputData>
<inputData id="i2" name="Stay"><variable name="Stay" typeRef="tStay"/></inputData>
<inputData id="i3" name="Cover"><variable name="Cover" typeRef="years and months duration"/></inputData>
<decision id="d1" name="Leaves"><variable name="Leaves" typeRef="date"/><literalExpression><text>Arrival + Stay</text></literalExpression></decision>
<decision id="d2" name="Renewal"><variable name="Renewal" typeRef="date"/>
 <literalExpression><text>Arrival + Cover - duration("P1M")</text></literalExpression></decision>
<decision id="d3" name="Waited"><variable name="Waited" typeRef="days and time duration"/>
 <literalExpression><text>date("2025-03-01") - Arrival</text></literalExpression></decision>
<decision id="d4" name="Long"><variable name="Long" typeRef="boolean"/>
 <literalExpression><text>Stay > duration("P90D")</text></literalExpression></decision>
<decision id="d5" name="Parts"><variable name="Parts" typeRef="number"/>
 <literalExpression><text>Cover.years * 100 + Cover.months + (date("2025-03-01") - Arrival).days</text></literalExpression></decision>
<decision id="d6" name="Kind"><variable name="Kind" typeRef="string"/>
 <decisionTable id="t6" hitPolicy="FIRST"><input id="c1"><inputExpression><text>Stay</text></inputExpression></input>
 <output id="o1"/>
 <rule id="r1"><inputEntry><text>&lt; duration("P90D")</text></inputEntry><outputEntry><text>"short"</text></outputEntry></rule>
 <rule id="r2"><inputEntry><text>[duration("P90D")..duration("PT8760H")]</text></inputEntry><outputEntry><text>"long"</text></outputEntry></rule>
 <rule id="r3"><inputEntry><text>-</text></inputEntry><outputEntry><text>"resident"</text></outputEntry></rule>
 </decisionTable></decision>
<decision id="d7" name="Grace"><variable name="Grace" typeRef="days and time duration"/>
 <decisionTable id="t7"><input id="c2"><inputExpression><text>Cover</text></inputExpression></input>
 <output id="o2"/>
 <rule id="r4"><inputEntry><text>&gt;= duration("P1Y")</text></inputEntry><outputEntry><text>duration("P30D")</text></outputEntry></rule>
 <rule id="r5"><inputEntry><text>&lt; duration("P1Y")</text></inputEntry><outputEntry><text>duration("-P2D")</text></outputEntry></rule>
 </decisionTable></decision>''')

STAYS_RULES = '''input Arrival : date
input Stay : duration 0 days..365 days
input Cover : duration in months

decision Leaves : date = (Arrival + Stay)

decision Renewal : date = ((Arrival + Cover) - 1 month)

decision Waited : duration = (2025-03-01 - Arrival)

decision Long : bool = (Stay > 90 days)

decision Parts : number = (((Cover.years * 100) + Cover.months) + (2025-03-01 - Arrival).days)

decision Kind : text hit first
  | Stay                || Kind
  | < 90 days           || "short"
  | [90 days..365 days] || "long"
  | -                   || "resident"

decision Grace : duration hit unique
  | Cover     || Grace
  | >= 1 year || 30 days
  | < 1 year  || -2 days
'''


def test_duration_types_arithmetic_and_cells_translate_as_verdict_says_them():
    result = import_dmn(STAYS.encode(), "m.dmn")
    assert "\n".join(line for line in result.text.splitlines() if not line.startswith("#")).strip() == STAYS_RULES.strip()
    facts = {"Arrival": "2024-01-31", "Stay": "P100D", "Cover": "P1Y1M"}
    both_ways(result.ruleset, facts, DAY)
    assert result.ruleset.evaluate(facts, as_of=DAY, trace=False).outputs == {
        "Leaves": dt.date(2024, 5, 10), "Renewal": dt.date(2025, 1, 28),  # 2024-01-31 + 13 months = 2025-02-28
        "Waited": dt.timedelta(days=395), "Long": True, "Parts": 101 + 395, "Kind": "long",
        "Grace": dt.timedelta(days=30)}
    short = result.ruleset.evaluate({**facts, "Stay": "P10D", "Cover": "P11M"}, as_of=DAY, trace=False).outputs
    assert (short["Kind"], short["Grace"], short["Long"]) == ("short", dt.timedelta(days=-2), False)


def test_a_stay_past_its_declared_range_is_refused_as_a_fact():
    result = import_dmn(STAYS.encode(), "m.dmn")
    with pytest.raises(VerdictError) as caught:
        result.ruleset.evaluate({"Arrival": "2024-01-31", "Stay": "P400D", "Cover": "P1Y"}, as_of=DAY, trace=False)
    assert caught.value.diagnostics[0].message == "fact `Stay`: 400 days is outside its declared range 0 days..365 days"


def test_the_duration_types_of_dmn_1_1_are_read_too():
    xml = model('<inputData id="i1" name="Wait"><variable name="Wait" typeRef="feel:dayTimeDuration"/></inputData>\n'
                '<inputData id="i2" name="Term"><variable name="Term" typeRef="feel:yearMonthDuration"/></inputData>\n'
                '<decision id="d1" name="X"><variable name="X" typeRef="boolean"/>'
                '<literalExpression><text>Wait &lt; duration("P7D") and Term.years &gt;= 2</text></literalExpression></decision>')
    result = import_dmn(xml.encode(), "m.dmn")
    assert "input Wait : duration\ninput Term : duration in months" in result.text
    assert decision_line(result) == "decision X : bool = ((Wait < 7 days) and (Term.years >= 2))"
    assert result.ruleset.evaluate({"Wait": "P3D", "Term": "P2Y"}, as_of=DAY, trace=False).outputs["X"] is True


# ---------------------------------------------------------------------------- years and months duration(a, b)

def period_months(start: dt.date, end: dt.date) -> int:
    """Java's Period.between(start, end).toTotalMonths(), which FEEL's engines compute."""
    months = (end.year - start.year) * 12 + end.month - start.month
    days = end.day - start.day
    if months > 0 and days < 0:
        months -= 1
    elif months < 0 and days > 0:
        months += 1
    return months


SPAN = model('''<inputData id="i1" name="From"><variable name="From" typeRef="date"/></inputData>
<inputData id="i2" name="To"><variable name="To" typeRef="date"/></inputData>
<decision id="d1" name="X"><variable name="X" typeRef="years and months duration"/>
 <literalExpression><text>years and months duration(From, To)</text></literalExpression></decision>''')
SPAN_RULESET = import_dmn(SPAN.encode(), "m.dmn").ruleset


def test_years_and_months_duration_counts_whole_months_as_feel_engines_do():
    result = import_dmn(SPAN.encode(), "m.dmn")
    assert decision_line(result) == (
        "decision X : duration in months = ((12 * (year(To) - year(From)) + (month(To) - month(From)) - "
        "(if (From <= To and day(To) < day(From)) then 1 else (if (From > To and day(To) > day(From)) then -1 "
        "else 0))) * 1 month)")
    for start, end, months in [("2011-12-22", "2013-08-24", 20), ("2013-08-24", "2011-12-22", -20),  # TCK 1121
                               ("2015-01-21", "2016-01-21", 12), ("2016-01-01", "2016-01-01", 0),
                               ("2024-01-31", "2024-02-29", 0), ("2024-02-29", "2024-01-31", 0),
                               ("2020-02-29", "2021-02-28", 11), ("2024-03-31", "2024-02-29", -1)]:
        out = result.ruleset.evaluate({"From": start, "To": end}, as_of=DAY, trace=False).outputs
        assert out["X"] == Months(months), (start, end)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), end=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
def test_years_and_months_duration_is_javas_period_on_both_paths(start, end):
    both_ways(SPAN_RULESET, {"From": start.isoformat(), "To": end.isoformat()}, DAY)  # the two paths agree
    assert SPAN_RULESET.evaluate({"From": start, "To": end}, as_of=DAY, trace=False).outputs["X"] == \
        Months(period_months(start, end))


# ---------------------------------------------------------------------------- ISO texts

@settings(max_examples=100, deadline=None)
@given(days=st.integers(-10**6, 10**6), hours=st.integers(0, 10**4))
def test_a_days_and_time_text_is_whole_days_or_refused(days, hours):
    text = ("-" if days < 0 else "") + f"P{abs(days)}DT{hours}H"
    if hours % 24 == 0:
        assert parse_iso(text) == dt.timedelta(days=(1 if days >= 0 else -1) * (abs(days) + hours // 24))
    else:
        with pytest.raises(FeelError, match="beyond whole days"):
            parse_iso(text)


# ---------------------------------------------------------------------------- found by the TCK run in part

def test_feel_string_escapes_of_characters_past_u_ffff():
    assert tokenize(r'"\U01F40E" "\uD83D\uDC0E" "a\\b\"c"', []) == [("str", "🐎"), ("str", "🐎"), ("str", 'a\\b"c')]
    assert tokenize(r'"\s+\q"', []) == [("str", "\\s+\\q")]  # no escape: the backslash stays (a regex)
    with pytest.raises(FeelError, match="a lone UTF-16 surrogate"):
        tokenize(r'"\uD83D"', [])
    result = import_dmn(literal_model(r'string length("\U01F40E")', "number").encode(), "m.dmn")
    assert result.ruleset.evaluate({"Arrival": "2025-01-01"}, as_of=DAY, trace=False).outputs["X"] == 1


@pytest.mark.parametrize("feel, message", [
    ("round half up(5.5, (-6111 - 1))", "round half up(n, -6112): FEEL gives null for a scale outside -6111..6176, "
                                         "where verdict would round"),
    ("round half up(5.5, 6176)", "round half up(n, 6176): verdict's numbers have 28 significant digits, so it rounds "
                                 "to 27 decimal places at most (FEEL keeps the number)"),
])
def test_a_rounding_scale_verdict_would_not_honour_is_refused(feel, message):
    assert refusal(literal_model(feel, "number")) == [f"literalExpression (id e1, line 5): {message}"]


@pytest.mark.skipif(not Path(TCK).exists(), reason=f"no DMN TCK at {TCK} (set VERDICT_TCK)")
def test_the_tck_duration_cases_run_in_part_and_pass():
    from engine.dmn.tck import run_tck
    results = {r.case: r for r in run_tck(TCK, ("3",))}
    duration, months = results["1120-feel-duration-function"], results["1121-feel-years-and-months-duration-function"]
    assert (duration.status, duration.tests, duration.passed) == ("part", 23, 23)
    assert (months.status, months.tests, months.passed) == ("part", 7, 7)
    assert "its decisions refused" not in duration.reason and "their decisions refused" in duration.reason
    assert not [r.case for r in results.values() if r.status == "fail"]


# ---------------------------------------------------------------------------- @-literals, ratios

@pytest.mark.parametrize("feel, rules, value", [
    ('@"2020-01-31" + @"P1M"', "(2020-01-31 + 1 month)", dt.date(2020, 2, 29)),  # the month's last day
    ('@"2020-03-01" - @"P1D"', "(2020-03-01 - 1 day)", dt.date(2020, 2, 29)),
    ('@"P10D" / @"P4D"', "((10 days).days / (4 days).days)", Decimal("2.5")),
    ('@"P1Y6M" / @"P6M"', "((((1 year 6 months).years * 12) + (1 year 6 months).months) / "
                          "(((6 months).years * 12) + (6 months).months))", Decimal(3)),
    ('Arrival - @"2024-12-25" > @"P3D"', "((Arrival - 2024-12-25) > 3 days)", True),
])
def test_at_literals_and_ratios_of_durations(feel, rules, value):
    result = import_dmn(literal_model(feel).encode(), "m.dmn")
    assert decision_line(result) == f"decision X = {rules}"
    both_ways(result.ruleset, {"Arrival": "2025-01-01"}, DAY)
    assert result.ruleset.evaluate({"Arrival": "2025-01-01"}, as_of=DAY, trace=False).outputs["X"] == value


@pytest.mark.parametrize("feel, message", [
    ('@"10:30:00"', '@"10:30:00" is a time of day or a date and time, which have no equivalent in verdict (a date '
                    '@"2020-01-01" and a duration @"P30D" are translated)'),
    ('@"foo"', '@"foo" is not a date, a time, a date and time or a duration (FEEL gives null)'),
    ('@"PT1H" * 24', 'duration("PT1H") has 1 hour beyond whole days: verdict\'s durations count whole days '
                     '(`duration`) or whole months (`duration in months`), not hours, minutes or seconds'),
    ('@"P10D" / 2', "the translation is refused by verdict's checker: a duration cannot be divided"),
])
def test_at_literals_verdict_lacks_are_refused(feel, message):
    assert refusal(literal_model(feel)) == [f"literalExpression (id e1, line 5): {message}"]


# ---------------------------------------------------------------------------- export and back

DURATION_RULES = '''input arrival : date
input stay : duration 0 days..365 days
input cover : duration in months

decision leaves : date = (arrival + stay)

decision renewal : date = ((arrival + cover) - 1 month)

decision long : bool = (stay > 90 days)

decision waited : integer = days_between(arrival, 2025-03-01)

decision gap : duration = (2025-03-01 - arrival)

decision grace : duration hit unique
  | stay                || grace
  | < 90 days           || 3 days
  | [90 days..365 days] || 30 days
'''


def test_durations_export_to_feel_and_come_back_with_the_same_values(tmp_path):
    import engine
    from engine.dmn.writer import export_dmn
    (tmp_path / "d.rules").write_text(DURATION_RULES, encoding="utf-8")
    original = engine.load_ruleset(tmp_path / "d.rules")
    xml, _ = export_dmn(original, DAY)
    for feel in ('<variable name="stay" typeRef="stay_range" />', "<typeRef>days and time duration</typeRef>",
                 '<text>[duration("P0D")..duration("P365D")]</text>',
                 '<variable name="cover" typeRef="years and months duration" />',
                 '<text>((arrival + cover) - duration("P1M"))</text>',
                 '<text>(date("2025-03-01") - arrival).days</text>'):
        assert feel in xml
    back = import_dmn(xml.encode(), "d.dmn")
    assert "decision waited : integer = (2025-03-01 - arrival).days" in back.text
    for facts in ({"arrival": "2024-01-31", "stay": "P100D", "cover": "P1Y1M"},
                  {"arrival": "2025-02-27", "stay": "P3D", "cover": "P0M"}):
        assert back.ruleset.evaluate(facts, as_of=DAY, trace=False).outputs == \
            original.evaluate(facts, as_of=DAY, trace=False).outputs


@pytest.mark.skipif(not Path(TCK).exists(), reason=f"no DMN TCK at {TCK} (set VERDICT_TCK)")
def test_the_export_of_durations_is_valid_dmn_15(tmp_path):
    import engine
    from engine.dmn.writer import export_dmn
    (tmp_path / "d.rules").write_text(DURATION_RULES, encoding="utf-8")
    dmn15_schema(tmp_path).validate(export_dmn(engine.load_ruleset(tmp_path / "d.rules"), DAY)[0])


def dmn15_schema(folder: Path):
    """The TCK's DMN15.xsd (and the schemas it includes), copied into `folder` and read."""
    xmlschema = pytest.importorskip("xmlschema")
    from engine.dmn.tck import TckSource
    source = TckSource(TCK)
    for path in source.files("TestCases", lambda p: p.endswith(".xsd")):
        (folder / Path(path).name).write_bytes(source.read(path))
    return xmlschema.XMLSchema(str(folder / "DMN15.xsd"))


def test_the_durations_example_of_docs_dmn_md_translates_as_it_says():
    import re
    doc = (Path(__file__).resolve().parent.parent / "docs" / "dmn.md").read_text(encoding="utf-8")
    xml, = re.findall(r"```xml durations\n(.*?)```", doc, re.S)
    rules, = re.findall(r"```rules durations-dmn\n(.*?)```", doc, re.S)
    result = import_dmn(model(xml).encode(), "m.dmn")
    assert "\n".join(line for line in result.text.splitlines() if not line.startswith("#")).strip() == rules.strip()
    out = result.ruleset.evaluate({"Arrival": "2025-01-30", "Stay": "P30D"}, as_of=DAY, trace=False).outputs
    assert out == {"Leaves": dt.date(2025, 2, 28), "Kind": "short"}


def test_the_tck_runner_reads_durations_and_runs_a_refused_model_in_part():
    from engine.dmn import tck, tck_parts
    from engine.dmn.reader import read_definitions
    from engine.dmn.xmltree import parse_xml
    values = parse_xml(b'<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                       b'<n><value xsi:type="xsd:duration">P1Y2M</value></n>'
                       b'<n><value xsi:type="xsd:duration">PT0S</value></n>'
                       b'<n><value xsi:type="xsd:duration">PT2H</value></n></r>', "t.xml").all("n")
    assert tck._value(values[0], "t") == Months(14)
    assert tck._value(values[1], "t") == dt.timedelta(0)
    with pytest.raises(tck.Unsupported, match=r'^t: duration\("PT2H"\) has 2 hours beyond whole days'):
        tck._value(values[2], "t")
    xml = model('''<inputData id="i1" name="A"><variable name="A" typeRef="date"/></inputData>
<inputData id="i2" name="B"><variable name="B" typeRef="dateTime"/></inputData>
<businessKnowledgeModel id="b1" name="Later"><variable name="Later" typeRef="date"/>
 <encapsulatedLogic><formalParameter name="d" typeRef="date"/>
  <literalExpression><text>d + duration("P1D")</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>
<decision id="d1" name="Next"><variable name="Next" typeRef="date"/>
 <informationRequirement><requiredInput href="#i1"/></informationRequirement>
 <knowledgeRequirement><requiredKnowledge href="#b1"/></knowledgeRequirement>
 <literalExpression><text>Later(A)</text></literalExpression></decision>
<decision id="d2" name="After"><variable name="After" typeRef="date"/>
 <informationRequirement><requiredDecision href="#d1"/></informationRequirement>
 <literalExpression><text>Next + duration("P1M")</text></literalExpression></decision>
<decision id="d3" name="Clock"><variable name="Clock"/>
 <informationRequirement><requiredInput href="#i2"/></informationRequirement>
 <literalExpression><text>B</text></literalExpression></decision>''')
    with pytest.raises(VerdictError):  # `B`, a date and time, refuses the model whole
        import_dmn(xml.encode(), "m.dmn")
    defs = read_definitions(xml.encode(), "m.dmn")
    assert tck_parts.closure(defs, ["After"]) == (frozenset({"d1", "d2"}), frozenset({"i1"}), frozenset({"b1"}))
    assert tck_parts.closure(defs, ["Nothing"]) is None
    from engine.dmn.to_rules import import_definitions
    part = import_definitions(tck_parts.part_of(defs, tck_parts.closure(defs, ["After"])), "m.dmn")
    assert "input B" not in part.text
    assert part.ruleset.evaluate({"A": "2024-01-30"}, as_of=DAY, trace=False).outputs["After"] == dt.date(2024, 2, 29)
