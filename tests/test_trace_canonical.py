"""The digest put together from precomputed pieces (engine/trace/canonical.py, trace/build.py) is
the SHA-256 of `json.dumps(sort_keys=True)` of the trace, whatever the facts and the trace detail."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import engine
from engine.trace.canonical import Template, canon, mark, template_or_none
from engine.trace.dumps import canonical_bytes, digest_of
from tests.test_function_calls import RULES as CALL_RULES

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 9, 1)


def _random_facts(rng) -> dict:
    return {"nationality": rng.choice(["CN", "DE", "FR", "US", "MA", "CH"]),
            "birth_date": dt.date(rng.randrange(1950, 2008), rng.randrange(1, 13), rng.randrange(1, 29)).isoformat(),
            "higher_education": rng.random() < 0.8, "stay_months": rng.randrange(1, 60),
            "holds_ceam": rng.random() < 0.3, "birth_certificate_language": "zh",
            "household_size": rng.randrange(1, 9), "annual_resources": rng.randrange(0, 45000),
            "territory": rng.choice(["metropole", "outre_mer"]), "destination": rng.choice(["DE", "FR", "US"]),
            "has_medecin_traitant": rng.random() < 0.7, "doctor_sector": rng.choice(["sector_1", "sector_2_optam"])}


def test_the_digest_is_that_of_the_canonical_json_on_random_facts():
    ruleset = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    rng = random.Random(15)
    for n in range(60):
        facts = {k: v for k, v in _random_facts(rng).items() if k in ruleset.model.inputs}
        for verdict in (ruleset.evaluate(facts, as_of=AS_OF), ruleset.interpret(facts, as_of=AS_OF)):
            for trace in (verdict.to_dict(), verdict.to_dict(full=True)):
                assert trace["digest"]["sha256"] == digest_of(trace), (n, facts)
        partial = dict(facts)
        partial.pop("annual_resources", None)
        trace = ruleset.evaluate(partial, as_of=AS_OF, partial=True).to_dict()
        assert trace["digest"]["sha256"] == digest_of(trace)


def test_a_template_gives_the_canonical_text_with_its_values_put_back():
    skeleton = {"b": [mark(1), 2], "a": mark(0), "c": {"é": "中文 \"quoted\"\n"}}
    template = Template(skeleton, range(2))
    value = {"z": [1, None, True], "a": "x\u0001"}
    assert template.fill((canon(value), canon("y"))) == \
        canonical_bytes({"b": ["y", 2], "a": value, "c": {"é": "中文 \"quoted\"\n"}}).decode("utf-8")


def test_a_constant_text_holding_the_marker_itself_gets_no_template():
    assert template_or_none({"a": mark(0), "b": "before " + mark(0)[:-1]}, range(1)) is None
    assert template_or_none({"a": mark(0), "b": mark(0)}, range(1)) is None
    assert template_or_none({"a": mark(0)}, range(1)) is not None


# the rules of tests/test_function_calls.py, a hole reading a parameter, and a table reading a call's value
CALLS_RULES = CALL_RULES.replace('"Aged {a}: 8 €."', '"Aged {a}, with {base_fee}: 8 €."') + """\
decision band : text
  | mine      || band   | because
  | <= 20 €   || "low"  | "{mine} is low."
  | otherwise || "high" |
"""
assert "with {base_fee}" in CALLS_RULES, "tests/test_function_calls.py's rules changed: say the hole again"


def test_the_digest_of_a_trace_with_calls_is_that_of_the_canonical_json(tmp_path, monkeypatch):
    folder = tmp_path / "rs"
    (folder / "messages").mkdir(parents=True)
    (folder / "ruleset.yaml").write_text('name: shares\ntitle: Shares\nversion: "1"\nlanguage: en\n'
                                         'languages: [en, fr]\nsources:\n  tariff:\n    title: Tariff\n',
                                         encoding="utf-8")
    (folder / "shares.rules").write_text(CALLS_RULES, encoding="utf-8")
    (folder / "messages" / "fr.yaml").write_text('because:\n  share#1: "{a} ans : 8 €."\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ruleset = engine.load_ruleset("rs")
    rng = random.Random(15)
    for n in range(20):
        facts = {"age": rng.randrange(0, 131), "ages": [rng.randrange(0, 131) for _ in range(rng.randrange(0, 4))]}
        for verdict in (ruleset.evaluate(facts, as_of=AS_OF), ruleset.interpret(facts, as_of=AS_OF)):
            for trace in (verdict.to_dict(), verdict.to_dict(full=True)):
                assert list(trace["functions"]) == ["with_fee", "share"]
                assert trace["decisions"][0]["calls"][0]["function"] == "with_fee"
                assert trace["digest"]["sha256"] == digest_of(trace), (n, facts)
