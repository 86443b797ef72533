"""DMN import and export (engine/dmn): the translation, its refusals, the hardened XML parser,
the command, round trips (import(export(x)) evaluates as x does), the DMN 1.5 schema, the TCK."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.cli import main
from engine.dmn.to_rules import import_dmn
from engine.dmn.writer import export_dmn
from engine.errors import RuleError, VerdictError

HERE = Path(__file__).resolve().parent
DMN_DIR = HERE / "dmn"
ROOT = HERE.parent
TCK = os.environ.get("VERDICT_TCK", "/work/.mirror/dmn-tck+tck/repo")
DAY = dt.date(2025, 9, 1)


def imported(name: str):
    path = DMN_DIR / name
    return import_dmn(path.read_bytes(), str(path))


def refusal(xml: str) -> list:
    with pytest.raises(VerdictError) as caught:
        import_dmn(xml.encode(), "m.dmn")
    return [d.message for d in caught.value.diagnostics]


def model(body: str) -> str:
    return ('<?xml version="1.0"?>\n<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="m" '
            f'namespace="urn:m">\n{body}\n</definitions>\n')


# ---------------------------------------------------------------------------- import


def test_every_hit_policy_and_unary_test_is_translated():
    text = imported("policies.dmn").text
    for line in ("type tCategory = {A, B, C}", "input Age : number 0..130", "decision Discount : number hit any",
                 "decision Level : Level_values hit priority", "decision Ranked : Ranked_values hit output order",
                 "decision Points_Sum : number \"Points Sum\" hit collect sum", "hit collect min", "hit collect max",
                 "decision Points_Count \"Points Count\" hit collect count", "decision Tags : text hit rule order",
                 "decision Era : text hit first", "| [2020-01-01..2024-12-31] || \"recent\"", "| not A, B | -      || 0",
                 "| (10..50] | -        || \"core\"", "| not low | -        | not \"VIP\" || \"standard\"",
                 "decision Total : number = (if (Discount > 5) then ((Discount * 2) + 1) else -(Discount))"):
        assert line in text, line


def test_imported_policies_evaluate_as_dmn_says():
    rs = imported("policies.dmn").ruleset
    facts = {"Age": 45, "Category": "A", "Start": "2021-06-01", "Member": True, "Name": "Ann"}
    out = rs.evaluate(facts, as_of=DAY).outputs
    assert out["Risk"] == "medium"
    assert out["Discount"] == 10
    assert out["Level"] == "gold"
    assert out["Era"] == "recent"
    assert out["Tags"] == ["premium", "core"]
    assert out["Ranked"] == ["first", "second", "third"]
    assert out["Points"] == [1, 2, 4]
    assert (out["Points_Sum"], out["Points_Min"], out["Points_Max"], out["Points_Count"]) == (7, 2, 4, 3)
    assert out["Offer"] == "standard"
    assert out["Total"] == 21
    young = rs.evaluate(dict(facts, Age=12, Category="C", Member=False, Start="2019-12-31"), as_of=DAY).outputs
    assert (young["Risk"], young["Discount"], young["Level"], young["Era"]) == ("low", 0, "bronze", "old")
    assert (young["Offer"], young["Total"], young["Points_Min"], young["Points_Max"]) == ("student", 0, 7, 0)


def test_names_with_spaces_become_names_and_titles():
    result = imported("policies.dmn")
    assert result.names["Points Sum"] == "Points_Sum"
    assert "# DMN names → verdict names: 'Points Sum' → Points_Sum;" in result.text


@pytest.mark.parametrize("body, expected", [
    ('<businessKnowledgeModel id="b1" name="PMT"/>',
     'businessKnowledgeModel "PMT" (id b1, line 3): the business knowledge model has no encapsulated logic'),
    ('<decision id="d1" name="D"><variable name="D" typeRef="number"/><context id="c1"/></decision>',
     "context (id c1, line 3): the context gives a structure, but the decision's type is number"),
    ('<decision id="d1" name="D"><variable name="D" typeRef="number"/>'
     '<literalExpression id="e1"><text>sqrt(16)</text></literalExpression></decision>',
     "literalExpression (id e1, line 3): the FEEL function `sqrt` has no equivalent in verdict"),
    ('<decision id="d1" name="D"><variable name="D" typeRef="number"/>'
     '<literalExpression id="e1"><text>2 ** 0.5</text></literalExpression></decision>',
     "literalExpression (id e1, line 3): the translation is refused by verdict's checker: the exponent of `**` "
     "must be a whole number; this is 0.5"),
    ('<inputData id="i1" name="T"><variable name="T" typeRef="time"/></inputData>',
     'inputData "T" (id i1, line 3): the type `time` has no equivalent in verdict'),
    ('<decision id="d1" name="D"><variable name="D" typeRef="string"/>'
     '<literalExpression id="e1"><text>"a" + 1</text></literalExpression></decision>',
     "literalExpression (id e1, line 3): the translation is refused by verdict's checker: `+` joins two texts; "
     "this adds text and integer"),
])
def test_untranslatable_elements_are_refused_by_id_and_line(body, expected):
    assert refusal(model(body)) == [expected]


def test_a_rule_with_a_null_test_is_refused_with_its_line():
    xml = model('<inputData id="i1" name="x"><variable name="x" typeRef="number"/></inputData>\n'
                '<decision id="d1" name="D"><variable name="D" typeRef="number"/>\n'
                '<decisionTable id="t1"><input id="c1"><inputExpression><text>x</text></inputExpression></input>\n'
                '<output id="o1"/>\n<rule id="r1"><inputEntry><text>null</text></inputEntry>'
                '<outputEntry><text>1</text></outputEntry></rule></decisionTable></decision>')
    assert refusal(xml) == ["rule (id r1, line 7): `null` tests (a missing value) have no equivalent: verdict facts "
                            "are never null"]


def test_not_a_dmn_file():
    assert refusal('<?xml version="1.0"?><html/>') == [
        "m.dmn: the root element is <html> in namespace (none), not a DMN <definitions>"]


# ---------------------------------------------------------------------------- hardened XML

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="&lol9;" namespace="urn:x"/>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="x" namespace="urn:x">
  <inputData id="i" name="&secret;"><variable name="v" typeRef="string"/></inputData>
</definitions>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "http://127.0.0.1:9/evil.dtd">
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="x" namespace="urn:x"/>
"""


@pytest.mark.parametrize("attack", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD])
def test_documents_with_a_dtd_are_refused_before_any_entity_is_expanded(attack):
    assert refusal(attack) == ["m.dmn: the document has a DOCTYPE (a DTD); DMN files have none, and this one is "
                               "refused because a DTD can expand entities without bound or read external files"]


def test_malformed_xml_names_the_line():
    assert refusal('<?xml version="1.0"?>\n<definitions>\n<a></b>\n</definitions>') == [
        "m.dmn:3:6: not well-formed XML: mismatched tag"]


# ---------------------------------------------------------------------------- the command


def test_cli_import_writes_a_rules_file_that_verdict_checks(tmp_path, capsys):
    out = tmp_path / "policies.rules"
    assert main(["dmn", "import", str(DMN_DIR / "policies.dmn"), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == imported("policies.dmn").text
    assert main(["check", str(out)]) == 0
    folder = tmp_path / "as_folder"
    assert main(["dmn", "import", str(DMN_DIR / "policies.dmn"), "-o", str(folder)]) == 0
    assert (folder / "policies.rules").exists()


def test_cli_refusals_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.dmn"
    bad.write_text(BILLION_LAUGHS)
    assert main(["dmn", "import", str(bad)]) == 2
    assert "error[dmn]: " in capsys.readouterr().err
    assert main(["dmn", "export", str(ROOT / "rulesets/student_health"), "--as-of", "2025-09-01"]) == 2
    err = capsys.readouterr().err
    assert "care.rules:28:23: error[dmn] 1/4: cannot be exported to DMN: decision `reimbursement_base`, row 3: " \
           "a `no answer` row has no DMN equivalent" in err
    assert main(["dmn", "export", str(ROOT / "rulesets/student_health"), "--as-of", "someday"]) == 2
    assert "--as-of someday: expected a date YYYY-MM-DD" in capsys.readouterr().err


def test_cli_export_of_a_decision_and_what_it_reads(tmp_path, capsys):
    out = tmp_path / "css.dmn"
    assert main(["dmn", "export", str(ROOT / "rulesets/student_health"), "--as-of", "2025-09-01",
                 "--decision", "css_status", "-o", str(out)]) == 0
    xml = out.read_text(encoding="utf-8")
    assert 'xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/"' in xml
    assert '<decisionTable id="logic_css_status" hitPolicy="FIRST">' in xml
    assert "<text>(css_free_ceiling..css_participation_ceiling]</text>" in xml
    assert '<requiredDecision href="#decision_css_free_ceiling" />' in xml


# ---------------------------------------------------------------------------- round trips


def _facts_strategy(rs):
    from engine.values import EnumType, ListType
    fields = {}
    for name, info in rs.model.inputs.items():
        t, r = info.type, info.range
        if isinstance(t, EnumType):
            fields[name] = st.sampled_from(t.symbols)
        elif isinstance(t, ListType):
            inner = st.sampled_from(t.element.symbols) if isinstance(t.element, EnumType) else st.just("FR")
            fields[name] = st.lists(inner, max_size=3, unique=True)
        elif t.name == "bool":
            fields[name] = st.booleans()
        elif t.name == "country":
            fields[name] = st.sampled_from(["FR", "DE", "CN", "GB", "CH", "DK", "US", "IE"])
        elif t.name == "date":
            fields[name] = st.dates(dt.date(1950, 1, 1), dt.date(2025, 8, 31))
        elif t.name == "text":
            fields[name] = st.sampled_from(["a", "b", "VIP"])
        else:
            lo = int(r.lo) if r is not None and r.lo is not None else 0
            hi = int(r.hi) if r is not None and r.hi is not None else 60000
            fields[name] = st.integers(lo, hi)
    return st.fixed_dictionaries(fields)


def _outcome(rs, facts, name, fired: bool = False):
    """The value of a decision (or the error's code); with `fired`, also which rules fired in each
    decision of the trace. (Explanations differ where they show a symbol: translations, in
    messages/, are not exported.)"""
    try:
        verdict = rs.evaluate(facts, as_of=DAY, outputs=[name], trace=fired)
    except VerdictError as error:
        return ("error", error.diagnostics[0].code)
    if not fired:
        return ("value", verdict.outputs[name])
    rules = {d["name"]: [f.get("rule") for f in d.get("fired", [])] for d in verdict.to_dict()["decisions"]}
    return ("value", verdict.outputs[name], rules)


BUNDLED = engine.load_ruleset(ROOT / "rulesets/student_health")
EXPRESSIBLE = [n for n in BUNDLED.decisions if n not in ("reimbursement_base", "reimbursement_rate", "gp_reimbursement")]


def test_the_bundled_tables_that_dmn_expresses_are_all_but_the_no_answer_ones():
    for name in BUNDLED.decisions:
        try:
            export_dmn(BUNDLED, DAY, [name])
            assert name in EXPRESSIBLE
        except VerdictError:
            assert name not in EXPRESSIBLE


@pytest.fixture(scope="module")
def bundled_back():
    xml, _ = export_dmn(BUNDLED, DAY, EXPRESSIBLE)
    return import_dmn(xml.encode(), "student_health.dmn").ruleset


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_bundled_round_trip_evaluates_identically(bundled_back, data):
    facts = data.draw(_facts_strategy(BUNDLED))
    facts = {k: v for k, v in facts.items() if k in bundled_back.inputs}  # the facts the exported decisions read
    for name in EXPRESSIBLE:
        want, got = _outcome(BUNDLED, facts, name, fired=True), _outcome(bundled_back, facts, name, fired=True)
        if want[0] == got[0] == "value":  # parameters come back as decisions: compare the original's decisions
            got = got[:2] + ({k: v for k, v in got[2].items() if k in want[2]},)
        assert got == want, name


CELLS_X = ["-", "< 5", "<= 5", "> 10", ">= 12", "7", "[3..9]", "(3..9)", "[3..9)", "2, 4, 6", "not 5", "not [1..3]",
           "!= 8"]
CELLS_C = ["-", "a", "a, b", "not a", "{b, c}", "not {a, c}"]
CELLS_D = ["-", "< 2020-01-01", ">= 2021-06-30", "[2019-01-01..2021-12-31]", "2020-02-29", "not (2019-05-01..2020-05-01]"]
POLICIES = ["unique", "first", "priority", "any", "collect", "collect sum", "collect min", "collect max",
            "collect count", "rule order", "output order"]


@st.composite
def small_tables(draw):
    policy = draw(st.sampled_from(POLICIES))
    enum_output = policy in ("priority", "output order") or draw(st.booleans())
    rows = draw(st.lists(st.tuples(st.sampled_from(CELLS_X), st.sampled_from(CELLS_C), st.sampled_from(CELLS_D),
                                   st.sampled_from(["hi", "mid", "lo"]) if enum_output else
                                   st.integers(-3, 30).map(str)), min_size=1, max_size=5))
    if policy.startswith("collect ") and policy != "collect count":
        enum_output = False
        rows = [(x, c, d, o if o.lstrip("-").isdigit() else "1") for x, c, d, o in rows]
    otherwise = policy != "collect count" and draw(st.booleans())
    out_type = "Level" if enum_output else "integer"
    lines = ["type Level = {hi, mid, lo}", "type C = {a, b, c}", "input x : integer 0..20", "input c : C",
             "input d : date",
             f"decision t : {out_type} hit {policy}" if policy != "collect count" else f"decision t hit {policy}",
             "  | x | c | d || t"]
    lines += [f"  | {x} | {c} | {d} || {o}" for x, c, d, o in rows]
    if otherwise:
        lines.append(f"  | otherwise | - | - || {'mid' if enum_output else '0'}")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=small_tables(), data=st.data())
def test_round_trip_of_generated_tables(tmp_path, text, data):
    path = tmp_path / "t.rules"
    path.write_text(text, encoding="utf-8")
    original = engine.load_ruleset(path)
    xml, _ = export_dmn(original, DAY)
    back = import_dmn(xml.encode(), "t.dmn").ruleset
    for _ in range(8):
        facts = {"x": data.draw(st.integers(0, 20)), "c": data.draw(st.sampled_from(["a", "b", "c"])),
                 "d": data.draw(st.dates(dt.date(2018, 1, 1), dt.date(2022, 12, 31)))}
        assert _outcome(back, facts, "t") == _outcome(original, facts, "t"), (text, facts)


# ---------------------------------------------------------------------------- the DMN 1.5 schema and the TCK

tck_present = pytest.mark.skipif(not Path(TCK).exists(), reason=f"no DMN TCK at {TCK} (set VERDICT_TCK to a checkout "
                                 "or git directory of github.com/dmn-tck/tck)")


@tck_present
def test_exports_are_valid_dmn_15(tmp_path):
    xmlschema = pytest.importorskip("xmlschema")
    from engine.dmn.tck import TckSource
    source = TckSource(TCK)
    for path in source.files("TestCases", lambda p: p.endswith(".xsd")):
        (tmp_path / Path(path).name).write_bytes(source.read(path))
    schema = xmlschema.XMLSchema(str(tmp_path / "DMN15.xsd"))
    exports = [export_dmn(BUNDLED, DAY, EXPRESSIBLE)[0]]
    exports.append(export_dmn(imported("policies.dmn").ruleset, DAY)[0])
    for xml in exports:
        schema.validate(xml)
    schema.validate(str(DMN_DIR / "policies.dmn"))


@tck_present
def test_tck_compliance_levels_2_and_3():
    from engine.dmn.tck import run_tck
    results = run_tck(TCK)
    failures = [r for r in results if r.status == "fail"]
    assert failures == []
    level2 = [r for r in results if r.level == "2"]
    assert sum(r.status == "pass" for r in level2) >= 23


PRIORITY_OF_TEXTS = model('''<itemDefinition name="tItem"><itemComponent name="price"><typeRef>number</typeRef></itemComponent>
<itemComponent name="name"><typeRef>string</typeRef></itemComponent></itemDefinition>
<inputData id="i1" name="item"><variable name="item" typeRef="tItem"/></inputData>
<decision id="d1" name="Band"><variable name="Band" typeRef="string"/>
<informationRequirement id="q1"><requiredInput href="#i1"/></informationRequirement>
<decisionTable id="t1" hitPolicy="PRIORITY"><input id="c1"><inputExpression typeRef="number"><text>item.price</text></inputExpression></input>
<output id="o1"><outputValues><text>"Top band", "Mid band", "Low band"</text></outputValues></output>
<rule id="r1"><inputEntry><text>-</text></inputEntry><outputEntry><text>"Low band"</text></outputEntry></rule>
<rule id="r2"><inputEntry><text>&gt; 100</text></inputEntry><outputEntry><text>"Top band"</text></outputEntry></rule>
<rule id="r3"><inputEntry><text>&gt; 10</text></inputEntry><outputEntry><text>"Mid band"</text></outputEntry></rule>
</decisionTable></decision>''')


def test_structured_inputs_flatten_and_priority_of_texts_sorts_the_rules():
    result = import_dmn(PRIORITY_OF_TEXTS.encode(), "m.dmn")
    assert result.flattened == {"item": {"price": "item_price", "name": "item_name"}}
    assert "input item_price : number \"item.price\"" in result.text
    assert "# DMN hit policy PRIORITY: the rules in the order of their output values' priority, hit first" in result.text
    assert "\n".join(line for line in result.text.splitlines() if line.startswith("  |")) == (
        '  | item_price || Band\n'
        '  | > 100      || "Top band"\n'
        '  | > 10       || "Mid band"\n'
        '  | -          || "Low band"')
    rs = result.ruleset
    assert [rs.evaluate({"item_price": p, "item_name": "x"}, as_of=DAY).outputs["Band"] for p in (5, 50, 500)] == [
        "Low band", "Mid band", "Top band"]


EXPRESSIONS = engine.load_ruleset(DMN_DIR / "expressions.rules")


@pytest.fixture(scope="module")
def expressions_back():
    return import_dmn(export_dmn(EXPRESSIONS, DAY)[0].encode(), "expressions.dmn").ruleset


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_round_trip_of_every_function_and_operator(expressions_back, data):
    facts = data.draw(_facts_strategy(EXPRESSIONS))
    for name in EXPRESSIONS.decisions:
        assert _outcome(expressions_back, facts, name) == _outcome(EXPRESSIONS, facts, name), (name, facts)


def test_explanations_sources_and_ids_survive_the_round_trip():
    xml, _ = export_dmn(BUNDLED, DAY, ["zone"])
    text = import_dmn(xml.encode(), "zone.dmn").text
    assert ('| otherwise || third_country | "Your nationality ({nationality}) is not that of a country of the EU, '
            'the EEA or Switzerland, so you are a third-country national." | zone_third') in " ".join(text.split())


def test_an_overlap_in_a_unique_table_is_imported_and_reported_at_the_rule(tmp_path, capsys):
    assert main(["dmn", "import", str(DMN_DIR / "overlap.dmn"), "-o", str(tmp_path / "o.rules")]) == 0
    assert capsys.readouterr().err == (
        "note: rule (id r2, line 9): the DMN model has this problem, and so has its translation: rows D#1 (line 7) "
        "and D#2 (line 8) of `D` both match x = 9 (lines of o.rules)\n")
