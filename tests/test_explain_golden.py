"""The full explanation of varied profiles, in every language, compared with golden files.

tests/golden/explain/profiles.yaml gives the facts; <profile>.<lang>.txt the text a reader gets.
After an intended change of the explanation (or of the ruleset, whose hash the header shows),
rewrite them with `VERDICT_REGEN=1 pytest tests/test_explain_golden.py`, then read the diff."""
import datetime as dt
import os
from pathlib import Path

import pytest
import yaml

import engine

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "explain"
SPEC = yaml.safe_load((GOLDEN / "profiles.yaml").read_text(encoding="utf-8"))
LANGUAGES = ("en", "fr", "zh")


@pytest.fixture(scope="module")
def verdicts():
    student_health = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    out = {}
    for name, profile in SPEC["profiles"].items():
        facts = {k: v for k, v in {**SPEC["base"], **profile["facts"]}.items() if v is not None}
        as_of = profile["as_of"] if isinstance(profile["as_of"], dt.date) else dt.date.fromisoformat(profile["as_of"])
        out[name] = student_health.evaluate(facts, as_of=as_of, outputs=profile["outputs"], partial=True)
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("profile", list(SPEC["profiles"]))
def test_the_explanation_is_the_golden_text(profile, lang, verdicts):
    text = verdicts[profile].explain(lang)
    path = GOLDEN / f"{profile}.{lang}.txt"
    if os.environ.get("VERDICT_REGEN") == "1" or not path.exists():
        path.write_text(text, encoding="utf-8")
        if os.environ.get("VERDICT_REGEN") != "1":
            pytest.fail(f"{path.name} was missing and has been written: review it and run again")
        return
    assert text == path.read_text(encoding="utf-8"), (
        f"the {lang} explanation of {profile} changed; if intended, regenerate with VERDICT_REGEN=1 and review the diff")


def test_there_are_at_least_eight_profiles():
    assert len(SPEC["profiles"]) >= 8
