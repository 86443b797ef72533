"""The trace: golden JSON, required keys, the explanation text, reading saved traces, replay.

The golden file tests/golden/mini_trace.json is the trace of tests/golden/mini/ on
tests/golden/mini/facts.yaml as of 2025-06-01. After an intended change to the trace format
or to the fixture, rewrite it with `pytest tests/test_trace.py --regen-golden` (or
VERDICT_REGEN_GOLDEN=1) and review the diff.
"""
from __future__ import annotations

import difflib
import json
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from engine.errors import VerdictError

import engine
from engine import TraceError, explain_trace, read_trace, replay
from engine.cli import read_facts
from engine.explain.render import Reading, decision_text
from engine.trace.dumps import digest_of


def texts(trace: dict, decision: dict) -> dict:
    """The explanation of a decision entry in each language, rendered from the trace's data."""
    return {lang: decision_text(decision, Reading(trace, lang), trace["languages"][0]) for lang in trace["languages"]}

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
AS_OF = "2025-06-01"
GOLDEN_TRACE = GOLDEN_DIR / "mini_trace.json"


@pytest.fixture
def mini(monkeypatch):
    """The golden ruleset, loaded by the relative path `mini` so the trace's file names are stable."""
    monkeypatch.chdir(GOLDEN_DIR)
    return engine.load_ruleset("mini")


@pytest.fixture
def mini_facts(mini):
    return read_facts("mini/facts.yaml")


@pytest.fixture
def verdict(mini, mini_facts):
    return mini.evaluate(mini_facts, as_of=AS_OF)


@pytest.fixture
def trace(verdict):
    return json.loads(verdict.to_json())


# ============================================================================ golden file and stability

def test_golden_trace(verdict, regen_golden):
    text = verdict.to_json()
    if regen_golden:
        GOLDEN_TRACE.write_bytes(text.encode("utf-8"))
    expected = GOLDEN_TRACE.read_bytes().decode("utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            "tests/golden/mini_trace.json", "to_json()"))
        pytest.fail("the trace differs from the golden file (rerun with --regen-golden if intended):\n" + diff)


def test_same_ruleset_and_facts_give_byte_identical_json(mini, mini_facts, monkeypatch):
    first = mini.evaluate(mini_facts, as_of=AS_OF).to_json()
    again = engine.load_ruleset("mini").evaluate(read_facts("mini/facts.yaml"), as_of=AS_OF).to_json()
    assert first.encode("utf-8") == again.encode("utf-8")


def test_json_ends_with_a_newline_and_keeps_non_ascii(verdict):
    text = verdict.to_json()
    assert text.endswith("}\n")
    assert "réduit" in text and "\\u" not in text


def test_to_dict_and_to_json_agree(verdict):
    assert json.loads(verdict.to_json()) == verdict.to_dict()


# ============================================================================ required keys

def test_top_level_keys(trace, mini):
    assert trace["trace_format"] == 3
    assert trace["trace_detail"] == "compact"
    assert trace["engine"] == {"name": "verdict", "version": engine.__version__}
    assert trace["ruleset"] == {"name": "mini", "title": "Consultation costs (test fixture)", "version": "1.2",
                                "sha256": mini.sha256}
    assert len(trace["ruleset"]["sha256"]) == 64 and int(trace["ruleset"]["sha256"], 16) >= 0
    assert trace["as_of"] == AS_OF
    assert trace["facts"] == {"age": 24, "resources": "12000.50", "territory": "metropole", "nationality": "CN"}
    assert trace["defaults"] == {"has_card": False}
    assert trace["requested"] == ["band", "reimbursed", "patient_pays", "eu_citizen"]
    assert trace["outputs"] == {"band": "reduced", "reimbursed": "19.00", "patient_pays": "30.00", "eu_citizen": False}
    assert trace["complete"] is True
    assert trace["status"] == {name: {"status": "answered"} for name in trace["requested"]}
    assert trace["types"] == {"band": "symbol", "reimbursed": "money", "patient_pays": "money",
                              "free_ceiling": "money", "consultation_fee": "money", "eu_citizen": "bool",
                              "nationality": "country", "age": "integer", "resources": "money",
                              "territory": "symbol", "has_card": "bool"}
    assert trace["labels"]["fr"]["symbols"] == {"reduced": "réduit"}
    assert trace["digest"] == {"sha256": digest_of(trace)} and len(trace["digest"]["sha256"]) == 64
    assert trace["warnings"] == [{"name": "free_ceiling", "checked": "2025-01-01", "source": "tarifs"}]


def test_decisions_are_listed_after_what_they_read(trace):
    assert [d["name"] for d in trace["decisions"]] == ["band", "reimbursed", "patient_pays", "eu_citizen"]


def test_a_compact_trace_lists_the_fired_rows_and_counts_them(trace):
    band = trace["decisions"][0]
    assert band["row_count"] == 4
    assert band["rows"] == [{"rule": "band_reduced", "line": 16, "matched": True}]


def test_table_entry_has_policy_location_inputs_and_rows(verdict):
    trace = verdict.to_dict(full=True)
    assert trace["trace_detail"] == "full" and verdict.to_dict()["trace_detail"] == "compact"
    band = trace["decisions"][0]
    assert band["kind"] == "table"
    assert band["hit_policy"] == "unique"
    assert band["location"] == {"file": "mini/costs.rules", "line": 12, "column": 10}
    assert band["inputs"] == [{"column": "resources", "value": "12000.50", "type": "money", "name": "resources"},
                              {"column": "territory", "value": "metropole", "type": "symbol", "name": "territory"}]
    assert band["rows"] == [
        {"rule": "band_free", "line": 15, "matched": False,
         "failed": {"column": "resources", "test": "<= free_ceiling", "value": "12000.50"}},
        {"rule": "band_reduced", "line": 16, "matched": True},
        {"rule": "band_free_outre_mer", "line": 17, "matched": False,
         "failed": {"column": "territory", "test": "outre_mer", "value": "metropole"}},
        {"rule": "band_full", "line": 18, "matched": False,
         "failed": {"column": "resources", "test": "> free_ceiling * 138%", "value": "12000.50"}},
    ]
    assert band["fired"] == [{"rule": "band_reduced", "line": 16, "source": "guide", "because": {
        "en": "Resources of {resources} are above {free_ceiling} but not above 138% of it.",
        "fr": "Resources of {resources} are above {free_ceiling} but not above 138% of it."},
        "holes": {"resources": "12000.50", "free_ceiling": "10166"}}]
    assert band["output"] == "reduced"


def test_entry_has_parameters_with_effective_date_explanation_and_sources(trace):
    band = trace["decisions"][0]
    assert band["parameters"] == [{"name": "free_ceiling", "value": "10166", "effective_from": "2024-04-01",
                                   "source": "tarifs", "checked": "2025-01-01"}]
    assert texts(trace, band) == {
        "en": "Resources of €12,000.50 are above €10,166.00 but not above 138% of it.",
        "fr": "Resources of 12\u202f000,50\u00a0€ are above 10\u202f166,00\u00a0€ but not above 138% of it."}
    assert band["sources"] == [
        {"id": "guide", "title": "Guide for students", "publisher": "Example guide", "status": "SECONDARY"},
        {"id": "tarifs", "title": "Tarifs des consultations", "url": "https://example.org/tarifs",
         "publisher": "example.org", "status": "OFFICIAL"}]
    assert band["reads"] == ["resources", "territory"]


def test_expression_entry(trace):
    reimbursed = trace["decisions"][1]
    assert reimbursed["kind"] == "expression"
    assert "hit_policy" not in reimbursed and "rows" not in reimbursed
    assert [(f["rule"], f["line"], f["source"]) for f in reimbursed["fired"]] == [("reimbursed", 20, "tarifs")]
    assert reimbursed["output"] == "19.00"
    assert texts(trace, reimbursed)["en"] == "70% of €30.00, less a 2 € flat fee."
    assert [(p["name"], p["effective_from"]) for p in reimbursed["parameters"]] == [("consultation_fee", "2024-12-22")]


def test_otherwise_row_and_translated_explanation(verdict):
    trace = verdict.to_dict(full=True)
    pays = trace["decisions"][2]
    assert pays["hit_policy"] == "first"
    assert [(r["rule"], r["matched"]) for r in pays["rows"]] == [
        ("patient_pays#1", False), ("patient_pays#2", False), ("patient_pays#3", False), ("patient_pays#4", True)]
    assert pays["rows"][1]["failed"] == {"column": "has_card", "test": "true", "value": False}
    assert pays["rows"][2]["failed"] == {"column": "age", "test": "< 18", "value": 24}
    assert texts(trace, pays) == {"en": "You advance the full fee of €30.00.",
                                   "fr": "Vous avancez le tarif complet de 30,00\u00a0€."}
    assert pays["reads"] == ["band", "has_card", "age", "reimbursed"]


def test_row_without_because_is_explained_by_its_tests(ws):
    rs = ws.load("""
        input age : integer
        input t : {a, b}
        decision d hit first
          | age   | t || d
          | <= 29 | a || 1
          | -     | - || 2
        """)
    trace = rs.evaluate({"age": 20, "t": "a"}, as_of=AS_OF).to_dict()
    decision = trace["decisions"][0]
    assert decision["fired"][0]["tests"] == [{"column": 0, "test": "<= 29"}, {"column": 1, "test": "a"}]
    assert texts(trace, decision) == {"en": "age: 20; t: a."}  # the columns' titles (here their names) and values


def test_because_holes_read_inputs_fields_decisions_as_of_and_the_value_itself(ws):
    rs = ws.load("""
        input size : integer
        decision ceilings hit first
          | size || free : money | participation : money
          | -    || 10166 €      | 13723.78 €
        decision other : money = 5 €
        decision d hit first
          | size || d | because
          | -    || 1 | "free {ceilings.free}, other {other}, on {as_of}, size {size}, itself {d}"
        """)
    verdict = rs.evaluate({"size": 2}, as_of=AS_OF, outputs=["d"])
    trace = verdict.to_dict()
    assert texts(trace, trace["decisions"][-1]) == \
        {"en": "free €10,166.00, other €5.00, on 1\u00a0June\u00a02025, size 2, itself 1"}
    # a decision named only in the text is computed so that the text can show it
    assert [d["name"] for d in trace["decisions"]] == ["ceilings", "other", "d"]
    assert trace["outputs"] == {"d": 1}


def test_the_facts_in_the_trace_are_the_facts_given(ws):
    rs = ws.load("input a : money\ninput b : integer default 3\ndecision d : money = a * b\n")
    trace = rs.evaluate({"a": D("1.10")}, as_of=AS_OF).to_dict()
    assert (trace["facts"], trace["defaults"], trace["outputs"]) == ({"a": "1.10"}, {"b": 3}, {"d": "3.30"})


# ============================================================================ explanation text

def test_explain_text(verdict):
    text = verdict.explain()
    sha = verdict.to_dict()["ruleset"]["sha256"]
    assert text.splitlines()[0] == f"mini 1.2 (sha256 {sha[:8]}…{sha[-2:]}) · as of 1\u00a0June\u00a02025"
    for line in [
        "Care band: reduced",
        "  because  Resources of €12,000.50 are above €10,166.00 but not above 138% of it.",
        "  rule     band_reduced · costs.rules:16 · source guide (SECONDARY)",
        "  figures  Ceiling for free care: €10,166.00 (in force from 1\u00a0April\u00a02024, source tarifs)",
        "Reimbursed per consultation: €19.00",
        "  rule     reimbursed · costs.rules:20 · source tarifs (OFFICIAL)",
        "Paid by the patient: €30.00",
        "  because  You advance the full fee of €30.00.",
        "  rule     patient_pays#4 · costs.rules:27 · source tarifs (OFFICIAL)",
        "  rests on Care band: reduced",
        "           Reimbursed per consultation: €19.00",
        "  figures  GP consultation fee: €30.00 (in force from 22\u00a0December\u00a02024, source tarifs)",
        "EU citizen: no",
        "  rule     eu_citizen#3 · costs.rules:33",
        "  assumed  Holds a health card: no (the rules' defaults, as the facts given do not say).",
    ]:
        assert line in text.splitlines(), line


def test_explain_warns_about_a_figure_checked_before_the_date(verdict):
    assert ("  warning  Ceiling for free care: this value was last checked on 1\u00a0January\u00a02025; as of "
            "1\u00a0June\u00a02025 a\n           newer figure may apply (source tarifs).\n") in verdict.explain()


def test_no_staleness_warning_on_or_before_the_checked_date(mini, mini_facts):
    verdict = mini.evaluate(mini_facts, as_of="2025-01-01")
    assert verdict.to_dict()["warnings"] == []
    assert "warning" not in verdict.explain()


def test_explain_in_another_language(verdict):
    text = verdict.explain("fr")
    assert text.splitlines()[0].endswith("· au 1er\u00a0juin\u00a02025")
    assert "Tranche de prise en charge\u00a0: réduit" in text.splitlines()
    assert "  parce que  Vous avancez le tarif complet de 30,00\u00a0€." in text.splitlines()
    assert "  règle      band_reduced · costs.rules:16 · source guide (SECONDAIRE)" in text.splitlines()
    assert "  repose sur Tranche de prise en charge\u00a0: réduit" in text.splitlines()


def test_explain_in_an_unknown_language_is_refused_naming_the_languages(verdict):
    assert verdict.explain("en") == verdict.explain()
    with pytest.raises(VerdictError) as excinfo:
        verdict.explain("xx")
    [diagnostic] = excinfo.value.diagnostics
    assert (diagnostic.code, diagnostic.message, diagnostic.hint) == (
        "unknown-language", "this verdict has no explanation in `xx`", "its languages are: en, fr")


def test_explain_of_a_saved_trace_is_the_same_text(verdict, tmp_path):
    saved = tmp_path / "trace.json"
    saved.write_text(verdict.to_json(), encoding="utf-8")
    trace = read_trace(saved.read_text(encoding="utf-8"))
    assert explain_trace(trace) == verdict.explain()
    assert explain_trace(trace, "fr") == verdict.explain("fr")


def test_explain_shows_a_decision_version_date(ws):
    rs = ws.load("""
        input n : integer
        decision base : integer valid from 2024-01-01 = n
        decision d : integer = base + 1
        """)
    text = rs.evaluate({"n": 1}, as_of=AS_OF).explain()
    assert "  rests on base: 1" in text.splitlines()
    assert "  rule     base · r.rules:2 · valid from 1\u00a0January\u00a02024" in text.splitlines()


def test_explain_shows_money_fields_of_a_record_as_money(ws):
    rs = ws.load("""
        input size : integer
        decision ceilings hit first
          | size || free : money | participation : money
          | -    || 10166 €      | 13723.78 €
        """)
    text = rs.evaluate({"size": 1}, as_of=AS_OF).explain()
    assert "ceilings: free: €10,166.00, participation: €13,723.78" in text.splitlines()


# ============================================================================ reading saved traces

@pytest.mark.parametrize("text, message", [
    ("not json", "t.json: not JSON (Expecting value at line 1)"),
    ("[1, 2]", "t.json: not a verdict trace of format 3 (or 2)"),
    ('{"trace_format": 4}', "t.json: not a verdict trace of format 3 (or 2)"),
    ('{"trace_format": true}', "t.json: not a verdict trace of format 3 (or 2)"),
    ('{"trace_format": 2, "ruleset": {}}', "t.json: the trace has no `as_of`"),
])
def test_read_trace_refuses_what_is_not_a_trace(text, message):
    with pytest.raises(TraceError) as excinfo:
        read_trace(text, "t.json")
    assert [d.message for d in excinfo.value.diagnostics] == [message]


# ============================================================================ replay

def test_replay_on_the_same_ruleset_is_the_same(trace, mini):
    result = replay(trace, mini)
    assert (result.same, result.hash_changed, result.differences) == (True, False, ())
    assert result.report(trace, mini) == (
        f"the ruleset is unchanged (sha256 {mini.sha256[:12]}…)\n"
        "same verdict: the outputs, the rules that fired and the figures are identical as of 2025-06-01\n")


@pytest.fixture
def changed_copy(tmp_path):
    """A copy of the mini ruleset in which a figure changed: 30 € → 31 € from 2024-12-22."""
    copy = tmp_path / "mini"
    shutil.copytree(GOLDEN_DIR / "mini", copy)
    rules = copy / "costs.rules"
    text = rules.read_text(encoding="utf-8")
    assert "from 2024-12-22 = 30 €" in text
    rules.write_text(text.replace("from 2024-12-22 = 30 €", "from 2024-12-22 = 31 €"), encoding="utf-8")
    return copy


def test_replay_on_a_changed_ruleset_names_the_changed_outputs(trace, changed_copy, mini):
    changed = engine.load_ruleset(changed_copy)
    result = replay(trace, changed)
    assert (result.same, result.hash_changed) == (False, True)
    assert result.differences == (
        "consultation_fee: €30.00 from 2024-12-22 → €31.00 from 2024-12-22  (read by reimbursed, patient_pays)",
        "reimbursed: €19.00 → €19.70  (costs.rules:20)", "patient_pays: €30.00 → €31.00  (costs.rules:27)")
    assert result.report(trace, changed) == (
        f"the ruleset changed: sha256 {mini.sha256[:12]}… → {changed.sha256[:12]}… "
        "(still version 1.2: the content changed without a new version)\n"
        "the verdict differs:\n"
        "  consultation_fee: €30.00 from 2024-12-22 → €31.00 from 2024-12-22  (read by reimbursed, patient_pays)\n"
        "  reimbursed: €19.00 → €19.70  (costs.rules:20)\n"
        "  patient_pays: €30.00 → €31.00  (costs.rules:27)\n")


def test_replay_notices_a_different_rule_firing_with_the_same_output(ws):
    before = ws.load("""
        input n : integer
        decision d hit first
          | n     || d
          | >= 0  || "yes"
          | -     || "yes"
        """)
    trace = before.evaluate({"n": 1}, as_of=AS_OF).to_dict()
    after = ws.load("""
        input n : integer
        decision d hit first
          | n     || d
          | >= 5  || "yes"
          | -     || "yes"
        """, "later/r.rules")  # the same ruleset `r`, in a later version
    result = replay(trace, after)
    assert result.differences == ("d: rules fired d#1 → d#2",)


def test_replay_of_an_unchanged_copy_is_the_same_even_elsewhere(trace, tmp_path):
    copy = tmp_path / "elsewhere"
    shutil.copytree(GOLDEN_DIR / "mini", copy)
    result = replay(trace, engine.load_ruleset(copy))
    assert (result.same, result.hash_changed) == (True, False)
