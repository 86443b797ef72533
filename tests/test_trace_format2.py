"""Traces saved in format 2 (written by verdict before the compact format 3) still verify, explain
and replay. tests/golden/trace_v2/*.json were written by the format-2 code and must never be
regenerated: they stand for the traces people have stored."""
from pathlib import Path

import pytest

import engine
from engine.explain.render import explain_trace
from engine import replay  # the function: importing engine.trace.replay would shadow it with the module
from engine.trace.check import check_trace, read_trace

ROOT = Path(__file__).resolve().parent.parent
SAVED = ROOT / "tests" / "golden" / "trace_v2"
PROFILES = ("german_with_ceam", "missing_facts")


@pytest.fixture(scope="module")
def student_health():
    return engine.load_ruleset(ROOT / "rulesets" / "student_health")


def _saved(profile: str) -> dict:
    return read_trace((SAVED / f"{profile}.json").read_text(encoding="utf-8"), f"{profile}.json")


@pytest.mark.parametrize("profile", PROFILES)
def test_a_saved_format_2_trace_is_still_whole(profile):
    trace = _saved(profile)
    assert trace["trace_format"] == 2
    check_trace(trace, f"{profile}.json")


@pytest.mark.parametrize("profile", PROFILES)
def test_a_saved_format_2_trace_explains_as_it_did(profile):
    expected = (SAVED / f"{profile}.en.txt").read_text(encoding="utf-8")
    assert explain_trace(_saved(profile), "en") == expected


@pytest.mark.parametrize("profile", PROFILES)
def test_a_saved_format_2_trace_replays_to_the_same_outputs(profile, student_health):
    trace = _saved(profile)
    result = replay(trace, student_health)
    report = result.report(trace, student_health)
    assert "same verdict" in report, report
