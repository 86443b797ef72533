"""Format 3: the compact trace (fired rows and counts) by default, the full one on request; both
verify, explain alike and replay."""
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

import engine
from engine.explain.render import explain_trace
from engine import replay  # the function: importing engine.trace.replay would shadow it with the module
from engine.trace.check import check_trace, read_trace

ROOT = Path(__file__).resolve().parent.parent
SPEC = yaml.safe_load((ROOT / "tests" / "golden" / "explain" / "profiles.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def student_health():
    return engine.load_ruleset(ROOT / "rulesets" / "student_health")


def _verdict(ruleset, profile: str):
    spec = SPEC["profiles"][profile]
    facts = {k: v for k, v in {**SPEC["base"], **spec["facts"]}.items() if v is not None}
    as_of = spec["as_of"] if isinstance(spec["as_of"], dt.date) else dt.date.fromisoformat(spec["as_of"])
    return ruleset.evaluate(facts, as_of=as_of, outputs=spec["outputs"], partial=True)


@pytest.mark.parametrize("profile", list(SPEC["profiles"]))
def test_compact_and_full_traces_explain_alike_and_verify(profile, student_health):
    verdict = _verdict(student_health, profile)
    compact, full = verdict.to_dict(), verdict.to_dict(full=True)
    assert (compact["trace_format"], compact["trace_detail"], full["trace_detail"]) == (3, "compact", "full")
    for trace in (compact, full):
        check_trace(trace, profile)
        assert read_trace(json.dumps(trace, ensure_ascii=False), profile) == trace
    for lang in ("en", "fr", "zh"):
        assert explain_trace(compact, lang) == explain_trace(full, lang) == verdict.explain(lang)
    for trace in (compact, full):
        assert "same verdict" in replay(trace, student_health).report(trace, student_health)


def test_a_compact_table_entry_keeps_the_fired_rows_and_the_count(student_health):
    verdict = _verdict(student_health, "german_with_ceam")
    full = {d["name"]: d for d in verdict.to_dict(full=True)["decisions"]}
    for entry in verdict.to_dict()["decisions"]:
        if entry.get("kind") != "table":
            continue
        whole = full[entry["name"]]
        assert entry["row_count"] == len(whole["rows"])
        if entry["fired"]:
            assert entry["rows"] == [{"rule": f["rule"], "line": f["line"], "matched": True} for f in entry["fired"]]
            assert {r["rule"] for r in entry["rows"]} <= {r["rule"] for r in whole["rows"] if r["matched"]}
        else:
            assert entry["rows"] == whole["rows"]
        assert {k: v for k, v in entry.items() if k != "rows"} == {k: v for k, v in whole.items() if k != "rows"}


@pytest.mark.parametrize("flag, detail", [((), "compact"), (("--trace", "full"), "full"), (("--trace",), "compact")])
def test_verdict_eval_writes_the_compact_trace_unless_asked_for_the_full_one(flag, detail, capsys):
    from engine.cli import main
    code = main(["eval", str(ROOT / "rulesets" / "student_health"), "--facts", str(ROOT / "examples" / "wang.yaml"),
                 "--as-of", "2025-09-01", "--format", "json", *flag])
    trace = json.loads(capsys.readouterr().out)
    assert (code, trace["trace_format"], trace["trace_detail"]) == (0, 3, detail)
    check_trace(trace, "stdout")
