"""A new layout's trace built entry by entry by the code of each decision's form
(engine/trace/forms.py) is the reference interpreter's, byte for byte and digest included; the
explanation of a verdict explained right after its trace was built, read from those forms
(engine/explain/forms.py), is verdict 0.2.0's text; a trace handed out is explained as any."""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import pytest

import engine
from engine.explain import forms as explain_forms
from engine.trace import fast as trace_fast
from engine.trace import forms as trace_forms
from engine.explain.render import explain_trace
from engine.trace.dumps import digest_of
from tests import explain_reference as reference

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_ruleset import random_facts  # noqa: E402

AS_OF = dt.date(2025, 9, 1)


@pytest.fixture()
def ruleset(monkeypatch):
    """The bundled ruleset, whole layouts never learnt (trace/fast.py): every trace by the forms."""
    monkeypatch.setattr(trace_fast.FastTraces, "should_learn", lambda self, *args: False)
    monkeypatch.setattr(trace_forms, "FORM_AFTER", 2)
    return engine.load_ruleset(ROOT / "rulesets" / "student_health")


def _households(count: int, seed: int, ruleset) -> list:
    calls = [{k: v for k, v in f.items() if k in ruleset.model.inputs} for f in random_facts(count, seed=seed)]
    return [f for f in calls if f["doctor_sector"] == "sector_1"]  # sector_2 has no answer


def _forms(ruleset) -> list:
    return [form for day in ruleset._fast.forms.families.values() for family in day.values()
            for form in family.forms.values() if type(form) is trace_forms._Form]


def test_a_trace_made_of_forms_is_the_interpreters_byte_for_byte(ruleset):
    households = _households(40, 31, ruleset)
    for _ in range(3):  # met, forms made on the second, then every entry from its form
        made = [ruleset.evaluate(f, as_of=AS_OF).to_json() for f in households]
    assert made == [ruleset.interpret(f, AS_OF, None, True).to_json() for f in households]
    assert len(_forms(ruleset)) >= 40
    for text in made:
        trace = json.loads(text)
        assert trace["digest"]["sha256"] == digest_of(trace)


def test_some_outputs_and_facts_not_given_get_their_own_frames_and_forms(ruleset):
    rng = random.Random(5)
    calls = []
    for n in range(30):
        facts = {"annual_resources": rng.randrange(0, 45000), "household_size": rng.randrange(1, 9),
                 "territory": rng.choice(["metropole", "outre_mer"]), "insured_in": rng.choice(["FR", "DE"]),
                 "birth_date": rng.choice(["1990-04-02", "2003-01-01"])}
        if n % 2:
            del facts["birth_date"]  # not read by css_status
        calls.append(facts)
    for outputs, given in ((["css_status"], calls), (["css_status", "css_monthly_participation"], calls[0::2])):
        for _ in range(3):
            made = [ruleset.evaluate(f, as_of=AS_OF, outputs=outputs).to_json() for f in given]
        assert made == [ruleset.interpret(f, AS_OF, tuple(outputs), True).to_json() for f in given]
    frames = {(need.wanted, given) for need, given, _day in ruleset._fast.forms.frames}
    assert len(frames) == 3  # css_status with the birth date given or not; both outputs with it


def test_a_hole_on_a_fact_with_a_default_reads_the_default_or_the_fact_given(tmp_path, monkeypatch):
    monkeypatch.setattr(trace_fast.FastTraces, "should_learn", lambda self, *args: False)
    folder = tmp_path / "holes"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text('name: holes\ntitle: Holes\nversion: "1"\nlanguage: en\n', encoding="utf-8")
    (folder / "holes.rules").write_text(
        'input age : integer 0..130 "Age"\ninput nickname : text default "none" "Nickname"\n\n'
        'decision adult : bool "Adult" = age >= 18 because "At {age}, {nickname} is of age or not."\n',
        encoding="utf-8")
    holes = engine.load_ruleset(folder)
    calls = [{"age": 10 + n, "nickname": "Kim"} if n % 2 else {"age": 10 + n} for n in range(12)]
    for _ in range(4):
        made = [holes.evaluate(f, as_of=AS_OF).to_dict() for f in calls]
    assert made == [holes.interpret(f, AS_OF, None, True).to_dict() for f in calls]
    assert made[0]["decisions"][0]["fired"][0]["holes"] == {"age": 10, "nickname": "none"}
    assert made[1]["decisions"][0]["fired"][0]["holes"] == {"age": 11, "nickname": "Kim"}
    assert made[0]["defaults"] == {"nickname": "none"} and made[1]["facts"]["nickname"] == "Kim"
    assert len(_forms(holes)) == 1 and len(holes._fast.forms.frames) == 2  # one form, a frame per facts given


def test_a_traces_own_parts_can_be_changed_and_change_no_other(ruleset):
    households = _households(10, 3, ruleset)
    for _ in range(3):
        traces = [ruleset.evaluate(f, as_of=AS_OF).to_dict() for f in households]
    first, second = traces[0], ruleset.evaluate(households[0], as_of=AS_OF).to_dict()
    first["outputs"]["css_status"] = "mine"
    first["decisions"][0]["output"] = "mine"
    table = next(n for n, d in enumerate(first["decisions"]) if d["kind"] == "table")
    first["decisions"][table]["inputs"][0]["value"] = "mine"
    assert second["outputs"]["css_status"] != "mine" and second["decisions"][0]["output"] != "mine"
    assert second["decisions"][table]["inputs"][0]["value"] != "mine"
    assert second == ruleset.interpret(households[0], AS_OF, None, True).to_dict()
    with pytest.raises(TypeError, match="shared with other traces"):
        second["decisions"][0]["location"]["line"] = 1


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_an_explanation_read_from_the_forms_is_the_one_of_its_trace(ruleset, lang):
    households = _households(30, 17, ruleset)
    for _ in range(3):
        texts = [ruleset.evaluate(f, as_of=AS_OF).explain(lang) for f in households]
    assert any(found is not None for found in explain_forms._KEPT.values())
    for facts, text in zip(households, texts):
        assert text == reference.explain_trace(ruleset.interpret(facts, AS_OF, None, True).to_dict(), lang)


def test_a_trace_changed_after_it_was_handed_out_is_explained_as_it_now_is(ruleset):
    households = _households(8, 23, ruleset)
    for _ in range(3):
        verdicts = [ruleset.evaluate(f, as_of=AS_OF) for f in households]
        [v.explain() for v in verdicts]
    verdict = verdicts[0]
    trace = verdict.to_dict()  # handed out: the forms' hints no longer hold
    answer = next(d for d in trace["decisions"] if d["name"] == "age")
    answer["output"] = 1234
    trace["outputs"]["age"] = 1234
    assert verdict.explain() == explain_trace(trace) == reference.explain_trace(trace)
    assert "1,234" in verdict.explain()
