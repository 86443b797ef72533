"""A fast-path trace of a layout met before is made straight from the raw records
(engine/trace/fast.py), its constant parts shared and read-only (engine/trace/shared.py): the
same trace, byte for byte and digest included, as the reference interpreter's."""
from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.trace import fast as trace_fast
from engine.trace import shapes as trace_shapes
from engine.trace.dumps import digest_of
from engine.trace.shared import SharedDict, SharedList

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_ruleset import random_facts  # noqa: E402

AS_OF = dt.date(2025, 9, 1)


@pytest.fixture()
def ruleset(monkeypatch):
    monkeypatch.setattr(trace_shapes, "GENERATE_AFTER", 2)  # layouts learnt on their second trace
    monkeypatch.setattr(trace_fast, "PAYBACK", 0)  # and learning never waits longer (but in its own test)
    return engine.load_ruleset(ROOT / "rulesets" / "student_health")


@pytest.fixture()
def served(monkeypatch):
    """How many traces trace/fast.py made."""
    made = []
    original = trace_fast.FastTraces.trace

    def counted(self, *args):
        trace = original(self, *args)
        made.append(trace is not None)
        return trace

    monkeypatch.setattr(trace_fast.FastTraces, "trace", counted)
    return made


def _css(rng) -> dict:
    return {"annual_resources": rng.randrange(0, 45000), "household_size": rng.randrange(1, 9),
            "territory": rng.choice(["metropole", "outre_mer"]), "insured_in": rng.choice(["FR", "FR", "DE"]),
            "birth_date": rng.choice(["1990-04-02", "2003-01-01"])}


@pytest.mark.parametrize("outputs", [["css_status"], ["css_status", "css_monthly_participation"], None])
def test_a_fast_trace_is_the_interpreters_trace_byte_for_byte(ruleset, served, outputs):
    rng = random.Random(21)
    if outputs is None:  # the whole ruleset, on households of every kind
        calls = [{k: v for k, v in f.items() if k in ruleset.model.inputs} for f in random_facts(60, seed=8)]
        calls = [f for f in calls if f["doctor_sector"] == "sector_1"]  # sector_2 has no answer
    else:
        calls = [_css(rng) for _ in range(60)]
    for _ in range(3):  # met, learnt, then made by trace/fast.py
        fast = [ruleset.evaluate(f, as_of=AS_OF, outputs=outputs).to_json() for f in calls]
    reference = [ruleset.interpret(f, AS_OF, tuple(outputs) if outputs else None, True).to_json() for f in calls]
    assert fast == reference
    assert sum(served[-len(calls):]) >= len(calls) // 2  # most of the last round came from trace/fast.py
    for text in fast:
        trace = json.loads(text)
        assert trace["digest"]["sha256"] == digest_of(trace)


def test_a_layout_is_learnt_on_its_generate_after_th_trace(ruleset, served):
    facts = {"annual_resources": 9000, "household_size": 2, "territory": "metropole", "insured_in": "FR"}
    made = [ruleset.evaluate(dict(facts, annual_resources=9000 + n), as_of=AS_OF, outputs=["css_status"]).to_dict()
            for n in range(4)]
    assert served == [False, False, True, True]
    assert [t["facts"]["annual_resources"] for t in made] == ["9000.00", "9001.00", "9002.00", "9003.00"]
    assert made[3]["decisions"][2]["fired"][0]["holes"]["annual_resources"] == "9003.00"


def test_the_parts_traces_share_cannot_be_changed_and_a_copy_can(ruleset):
    facts = {"annual_resources": 9000, "household_size": 2, "territory": "metropole", "insured_in": "FR"}
    first, *_, last = [ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict() for _ in range(4)]
    assert last["labels"] is not first["labels"] or type(last["labels"]) is SharedDict
    shared = last["labels"]["en"]["titles"]
    assert type(shared) is SharedDict and type(last["decisions"][0]["sources"]) is SharedList
    with pytest.raises(TypeError, match="shared with other traces .* copy.deepcopy"):
        shared["css_status"] = "changed"
    with pytest.raises(TypeError, match="shared with other traces"):
        last["decisions"][0]["sources"].append({})
    with pytest.raises(TypeError, match="shared with other traces"):
        shared.update(x=1)
    changed = copy.deepcopy(last)
    changed["labels"]["en"]["titles"]["css_status"] = "changed"
    assert type(changed["labels"]["en"]["titles"]) is dict
    again = ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict()
    assert again["labels"]["en"]["titles"]["css_status"] == "Complémentaire santé solidaire"
    last["outputs"]["css_status"] = "mine"  # the values' own containers are the trace's alone
    assert again["outputs"]["css_status"] == "free"


def test_a_trace_with_shared_parts_reads_as_plain_json(ruleset):
    facts = {"annual_resources": 9000, "household_size": 2, "territory": "metropole", "insured_in": "FR"}
    verdicts = [ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]) for _ in range(4)]
    trace = verdicts[-1].to_dict()
    plain = json.loads(json.dumps(trace))
    assert trace == plain and type(plain["labels"]) is dict
    assert verdicts[-1].to_json() == json.dumps(plain, ensure_ascii=False, indent=2) + "\n"
    unpickled = pickle.loads(pickle.dumps(verdicts[-1]))
    assert unpickled.to_dict() == trace and type(unpickled.to_dict()["labels"]) is dict
    assert verdicts[-1].explain() == verdicts[0].explain()


def test_a_list_of_symbols_picks_its_shape_by_the_symbols_it_holds(ruleset, served):
    calls = [{k: v for k, v in f.items() if k in ruleset.model.inputs} for f in random_facts(12, seed=2)]
    for f in calls:
        f["doctor_sector"] = "sector_1"
    for _ in range(4):  # a layout's first shape is learnt in round 2, others (other symbols) in round 3
        traces = [ruleset.evaluate(f, as_of=AS_OF, outputs=["enrolment_documents"]).to_json() for f in calls]
    assert traces == [ruleset.interpret(f, AS_OF, ("enrolment_documents",), True).to_json() for f in calls]
    assert all(served[-len(calls):])
    assert len({tuple(json.loads(t)["outputs"]["enrolment_documents"]) for t in traces}) >= 2


def test_a_decision_calling_a_function_stays_with_trace_build(tmp_path, monkeypatch, served):
    monkeypatch.setattr(trace_shapes, "GENERATE_AFTER", 2)
    folder = tmp_path / "shares"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text('name: shares\ntitle: Shares\nversion: "1"\nlanguage: en\n', encoding="utf-8")
    (folder / "shares.rules").write_text(
        "input age : integer 0..130\n\n"
        "function share(a: integer 0..130) : money\n  | a      || share |\n  | <= 29  || 8 €   |\n  | >= 30  || 14 €  |\n\n"
        "decision mine : money = share(age)\n", encoding="utf-8")
    shares = engine.load_ruleset(folder)
    traces = [shares.evaluate({"age": 20 + n}, as_of=AS_OF).to_dict() for n in range(4)]
    assert [t["decisions"][0]["calls"][0]["arguments"] for t in traces] == [{"a": 20}, {"a": 21}, {"a": 22}, {"a": 23}]
    assert not any(served)


def test_the_example_of_the_trace_format_runs_as_it_says(tmp_path):
    text = (ROOT / "docs" / "trace-format.md").read_text(encoding="utf-8")
    section = text.split("## The trace as a Python object", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "example.py").write_text(example, encoding="utf-8")
    done = subprocess.run([sys.executable, str(tmp_path / "example.py")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("this part of a verdict's trace is shared with other traces and cannot be changed; "
                           "change a copy: copy.deepcopy(trace)\n")


def test_learning_waits_longer_when_the_learnt_shapes_are_seldom_used(ruleset, served, monkeypatch):
    monkeypatch.setattr(trace_fast, "PAYBACK", 10 ** 6)  # no shape is ever used enough
    css = lambda size, territory: {"annual_resources": 100, "household_size": size,  # noqa: E731
                                   "territory": territory, "insured_in": "FR"}
    layouts = [css(size, territory) for size in range(1, 6) for territory in ("metropole", "outre_mer")]
    for facts in layouts[:8]:  # eight layouts, each learnt on its second trace
        for _ in range(2):
            ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]).to_dict()
    traces = ruleset._fast.traces
    assert (traces.learnt, traces.patience) == (8, 2)
    served.clear()
    for _ in range(5):  # the ninth: learnt on its fourth trace now
        ruleset.evaluate(layouts[8], as_of=AS_OF, outputs=["css_status"]).to_dict()
    assert served == [False, False, False, False, True]


def test_a_serialiser_of_exact_types_takes_the_plain_copy_the_docs_name(ruleset):
    import yaml
    facts = {"annual_resources": 9000, "household_size": 2, "territory": "metropole", "insured_in": "FR"}
    verdicts = [ruleset.evaluate(facts, as_of=AS_OF, outputs=["css_status"]) for _ in range(4)]
    verdict = [v for v in verdicts if v.to_dict()][-1]  # each trace built in turn: the kind is learnt
    with pytest.raises(yaml.representer.RepresenterError):
        yaml.safe_dump(verdict.to_dict())
    plain = json.loads(verdict.to_json())
    assert yaml.safe_load(yaml.safe_dump(plain)) == verdict.to_dict() == copy.deepcopy(verdict.to_dict())
    requested = verdict.to_dict()["requested"]
    with pytest.raises(TypeError, match="shared with other traces"):  # a kind met often: `requested` shared too
        requested.append("enrolment")
