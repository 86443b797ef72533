"""Function calls in the trace (calls, functions), the explanation (en, fr, zh), verify and replay."""
import json
import subprocess
import sys

import pytest

import engine
from engine.trace.dumps import digest_of

RULES = """\
input age : integer 0..130
input ages : list of integer

parameter base_fee : money
  from 2020-01-01 = 10 €

function share(a: integer 0..130) : money "Monthly share" source tariff
  | a      || share | because
  | <= 29  || 8 €   | "Aged {a}: 8 €."
  | >= 30  || 14 €  |

function with_fee(a: integer 0..130) : money = share(a) + base_fee

decision mine : money = with_fee(age)
decision all_shares : list of money = for x in ages return share(x)
"""

SETTINGS = """\
name: shares
title: Shares
version: "1"
language: en
languages: [en, fr, zh]
sources:
  tariff:
    title: Tariff
"""

FACTS = {"age": 24, "ages": [20, 40]}


@pytest.fixture
def ruleset(tmp_path, monkeypatch):
    folder = tmp_path / "rs"
    (folder / "messages").mkdir(parents=True)
    (folder / "ruleset.yaml").write_text(SETTINGS, encoding="utf-8")
    (folder / "shares.rules").write_text(RULES, encoding="utf-8")
    (folder / "messages" / "fr.yaml").write_text('because:\n  share#1: "{a} ans : 8 €."\ntitles:\n  mine: Ma part\n',
                                                 encoding="utf-8")
    (folder / "messages" / "zh.yaml").write_text('because:\n  share#1: "{a} 岁：8 欧元。"\ntitles:\n  mine: 我的份额\n',
                                                 encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return engine.load_ruleset("rs")


def _at(line, column):
    return {"file": "rs/shares.rules", "line": line, "column": column}


SHARE_24 = {"function": "share", "location": _at(12, 48), "arguments": {"a": 24},
            "inputs": [{"column": "a", "value": 24, "type": "integer"}],
            "fired": [{"rule": "share#1", "line": 9, "source": "tariff",
                       "because": {"en": "Aged {a}: 8 €.", "fr": "{a} ans : 8 €.", "zh": "{a} 岁：8 欧元。"},
                       "holes": {"a": 24}}],
            "output": "8.00"}


def test_a_decision_entry_lists_its_calls_nested_and_per_element_in_both_paths(ruleset):
    traces = [run(FACTS, as_of="2025-01-01").to_dict() for run in (ruleset.evaluate, ruleset.interpret)]
    assert traces[0] == traces[1]
    mine, shares = traces[0]["decisions"]
    assert mine["calls"] == [{"function": "with_fee", "location": _at(14, 25), "arguments": {"a": 24},
                              "fired": [{"rule": "with_fee", "line": 12, "source": None,
                                         "expression": "share(a) + base_fee"}],
                              "output": "18.00", "calls": [SHARE_24]}]
    # the figure read inside the function is the decision's, and so is the source its row cites
    assert [p["name"] for p in mine["parameters"]] == ["base_fee"]
    assert mine["sources"] == [{"id": "tariff", "title": "Tariff"}]
    assert [(c["element"], c["of"], c["arguments"], c["fired"][0]["rule"], c["output"]) for c in shares["calls"]] == [
        (0, "ages", {"a": 20}, "share#1", "8.00"), (1, "ages", {"a": 40}, "share#2", "14.00")]
    assert shares["calls"][1]["fired"] == [{"rule": "share#2", "line": 10, "source": "tariff",
                                            "tests": [{"column": 0, "test": ">= 30"}]}]
    assert traces[0]["functions"] == {
        "with_fee": {"kind": "expression", "location": _at(12, 10), "parameters": [{"name": "a", "type": "integer"}],
                     "type": "money"},
        "share": {"kind": "table", "location": _at(7, 10), "parameters": [{"name": "a", "type": "integer"}],
                  "type": "money", "hit_policy": "unique", "row_count": 2}}


def test_the_full_trace_gives_every_row_of_a_called_table(ruleset):
    for run in (ruleset.evaluate, ruleset.interpret):
        full = run(FACTS, as_of="2025-01-01").to_dict(full=True)
        assert full["decisions"][1]["calls"][1]["rows"] == [
            {"rule": "share#1", "line": 9, "matched": False, "failed": {"column": "a", "test": "<= 29", "value": 40}},
            {"rule": "share#2", "line": 10, "matched": True}]
        assert "rows" not in run(FACTS, as_of="2025-01-01").to_dict()["decisions"][1]["calls"][1]


def test_a_call_in_an_untraced_decision_leaves_no_calls(ruleset):
    verdict = ruleset.evaluate({"age": 24, "ages": []}, as_of="2025-01-01")
    assert "calls" not in verdict.to_dict()["decisions"][1]
    assert "functions" in verdict.to_dict()  # with_fee and share, called by `mine`


EXPLAINED = {
    "en": """\
mine: €18.00
  rule     mine · shares.rules:14
  calls    with_fee(a = 24) gave €18.00 — rule with_fee (line 12): share(a) + base_fee
             share(a = 24) gave €8.00 — rule share#1 (line 9): Aged 24: 8 €.
  figures  base_fee: €10.00 (in force from 1\u00a0January\u00a02020)

all_shares: €8.00 and €14.00
  rule     all_shares · shares.rules:15
  calls    share(a = 20), for ages[1], gave €8.00 — rule share#1 (line 9): Aged 20: 8 €.
           share(a = 40), for ages[2], gave €14.00 — rule share#2 (line 10): a >= 30
""",
    "fr": """\
Ma part\u00a0: 18,00\u00a0€
  règle      mine · shares.rules:14
  appels     with_fee(a = 24) a donné 18,00\u00a0€ — règle with_fee (ligne 12)\u00a0: share(a) + base_fee
               share(a = 24) a donné 8,00\u00a0€ — règle share#1 (ligne 9)\u00a0: 24 ans\u00a0: 8 €.
  montants   base_fee\u00a0: 10,00\u00a0€ (en vigueur depuis le 1er\u00a0janvier\u00a02020)

all_shares\u00a0: 8,00\u00a0€ et 14,00\u00a0€
  règle      all_shares · shares.rules:15
  appels     share(a = 20), pour ages[1], a donné 8,00\u00a0€ — règle share#1 (ligne 9)\u00a0: 20 ans\u00a0: 8 €.
             share(a = 40), pour ages[2], a donné 14,00\u00a0€ — règle share#2 (ligne 10)\u00a0: a >= 30
""",
    "zh": """\
我的份额：€18.00
  规则 mine · shares.rules:14
  调用 with_fee(a = 24) 得出 €18.00——规则 with_fee（第 12 行）：share(a) + base_fee
         share(a = 24) 得出 €8.00——规则 share#1（第 9 行）：24 岁：8 欧元。
  数值 base_fee：€10.00（2020年1月1日起生效）

all_shares：€8.00和€14.00
  规则 all_shares · shares.rules:15
  调用 share(a = 20)（ages[1]）得出 €8.00——规则 share#1（第 9 行）：20 岁：8 欧元。
       share(a = 40)（ages[2]）得出 €14.00——规则 share#2（第 10 行）：a >= 30
""",
}


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_the_explanation_has_a_line_per_call(ruleset, lang):
    for run in (ruleset.evaluate, ruleset.interpret):
        text = run(FACTS, as_of="2025-01-01").explain(lang)
        assert text.split("\n", 2)[2] == EXPLAINED[lang]


def test_a_translated_function_row_checks_and_a_wrong_hole_is_reported(ruleset, tmp_path):
    from engine.ruleset import check_path
    assert [d for d in check_path("rs")[0] if d.severity != "note"] == []
    (tmp_path / "rs" / "messages" / "fr.yaml").write_text('because:\n  share#1: "{b} ans."\n', encoding="utf-8")
    assert [(d.span.line, d.message) for d in check_path("rs")[0] if d.severity == "error"] == [
        (2, "unknown name `b` in the translation of `share#1`")]


LISTS = """\
input ages : list of integer
input groups : list of list of integer

function share(a: integer) : integer = if a < 30 then 8 else 14

decision some_cheap : bool = some x in ages satisfies share(x) < 10
decision all_cheap : bool = every x in ages satisfies share(x) < 10
decision cheap : list of integer = ages[share(item) < 10]
decision nested : list of list of integer = for g in groups return for y in g return share(y)
decision literal : list of integer = for y in [1, 40] return share(y)
"""


def test_each_iteration_names_its_element_and_stops_where_the_quantifier_does(tmp_path):
    path = tmp_path / "l.rules"
    path.write_text(LISTS, encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    facts = {"ages": [40, 20, 50], "groups": [[1], [2, 45]]}
    traces = [run(facts, as_of="2025-01-01").to_dict() for run in (ruleset.evaluate, ruleset.interpret)]
    assert traces[0] == traces[1]

    def seen(name):
        entry = next(d for d in traces[0]["decisions"] if d["name"] == name)
        return [(c.get("within"), c.get("element"), c.get("of"), c["arguments"]["a"], c["output"]) for c in entry["calls"]]
    assert seen("some_cheap") == [(None, 0, "ages", 40, 14), (None, 1, "ages", 20, 8)]
    assert seen("all_cheap") == [(None, 0, "ages", 40, 14)]
    assert seen("cheap") == [(None, 0, "ages", 40, 14), (None, 1, "ages", 20, 8), (None, 2, "ages", 50, 14)]
    assert seen("nested") == [([{"element": 0, "of": "groups"}], 0, "g", 1, 8),
                              ([{"element": 1, "of": "groups"}], 0, "g", 2, 8),
                              ([{"element": 1, "of": "groups"}], 1, "g", 45, 14)]
    assert seen("literal") == [(None, 0, None, 1, 8), (None, 1, None, 40, 14)]
    text = ruleset.evaluate(facts, as_of="2025-01-01", outputs=["nested", "literal"]).explain()
    assert "share(a = 45), for groups[2], g[2], gave 14 — rule share (line 4): if a < 30 then 8 else 14" in text
    assert "share(a = 40), for element 2, gave 14 — rule share (line 4)" in text


# ---------------------------------------------------------------------------- verify and replay

def _saved(tmp_path, trace, name, digest=True) -> str:
    trace = {k: v for k, v in trace.items() if k != "digest" or not digest}
    if digest:
        trace["digest"] = {"sha256": digest_of(trace)}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(trace, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


def _verdict(*args):
    done = subprocess.run([sys.executable, "-m", "engine", *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def test_verify_refuses_an_edited_call_and_replay_reports_an_edited_value(ruleset, tmp_path):
    trace = json.loads(ruleset.evaluate(FACTS, as_of="2025-01-01").to_json())
    assert _verdict("verify", _saved(tmp_path, trace, "whole", digest=False))[0] == 0
    assert _verdict("replay", _saved(tmp_path, trace, "whole", digest=False), "rs")[0] == 0

    edited = json.loads(json.dumps(trace))
    edited["decisions"][0]["calls"][0]["calls"][0]["output"] = "9.00"
    code, out, err = _verdict("verify", _saved(tmp_path, edited, "edited_nodigest", digest=False))
    assert code == 1 and "its digest is not the digest of its content" in out
    code, out, _ = _verdict("replay", _saved(tmp_path, edited, "edited"), "rs")
    assert code == 1
    assert out.splitlines()[1:] == [
        "the verdict differs:",
        "  mine: share(a = 24) at shares.rules:12:48 gave €9.00 → €8.00",
        "  mine: the trace's calls are not those this ruleset makes (the trace was edited)"]

    argument = json.loads(json.dumps(trace))
    argument["decisions"][1]["calls"][0]["arguments"]["a"] = 21
    code, out, _ = _verdict("verify", _saved(tmp_path, argument, "argument"))
    assert code == 1
    assert "refused: " in out and out.endswith(
        ": `all_shares` calls share(a = 21), but its column a shows 20: the trace was edited\n")

    hole = json.loads(json.dumps(trace))
    hole["decisions"][0]["calls"][0]["calls"][0]["holes"] = {"a": 25}
    hole["decisions"][0]["calls"][0]["calls"][0]["fired"][0]["holes"] = {"a": 25}
    _, err, _ = _verdict("verify", _saved(tmp_path, hole, "hole"))
    assert "`mine` calls share(a = 24): the text of rule share#1 shows a = 25, but the trace gives 24" in err

    twice = json.loads(json.dumps(trace))
    twice["decisions"][1]["calls"][0].update(arguments={"a": 24}, output="9.00")
    twice["decisions"][1]["calls"][0]["inputs"][0]["value"] = 24
    twice["decisions"][1]["calls"][0]["fired"][0]["holes"] = {"a": 24}
    _, err, _ = _verdict("verify", _saved(tmp_path, twice, "twice"))
    assert 'share(a = 24) gives "8.00" in `mine` and "9.00" in `all_shares`: the trace was edited' in err

    unknown = json.loads(json.dumps(trace))
    unknown["decisions"][0]["calls"][0]["function"] = "nothing"
    _, err, _ = _verdict("verify", _saved(tmp_path, unknown, "unknown"))
    assert "decision 1: a call names the function `nothing`, which `functions` does not describe" in err


def test_the_documented_call_and_its_explanation_are_the_engines(tmp_path, monkeypatch):
    import re
    from pathlib import Path
    docs = Path(__file__).resolve().parent.parent / "docs"
    rules = re.search(r"```rules functions\n(.*?)```", (docs / "language.md").read_text(encoding="utf-8"), re.S).group(1)
    doc = (docs / "trace-format.md").read_text(encoding="utf-8")
    documented_call = json.loads(re.search(r"```json call\n(.*?)```", doc, re.S).group(1))
    documented_text = re.search(r"```text calls\n(.*?)```", doc, re.S).group(1)
    (tmp_path / "functions.rules").write_text(rules, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    verdict = engine.load_ruleset("functions.rules").evaluate({"age": 24, "ages": [20, 40]}, as_of="2025-01-01",
                                                              outputs=["all_shares"])
    assert verdict.to_dict()["decisions"][0]["calls"][1] == documented_call
    assert verdict.explain().split("\n", 2)[2] == documented_text


def test_a_record_argument_reads_in_braces_and_its_field_fills_a_hole(tmp_path):
    path = tmp_path / "e.rules"
    path.write_text("""\
type Person = {age: integer 0..130, name: text}
input people : list of Person

function label(p: Person) : text
  | p.age     || label   | because
  | <= 17     || "minor" | "{p.name} is {p.age}."
  | otherwise || "adult" |

decision labels : list of text = for x in people return label(x)
""", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    facts = {"people": [{"age": 12, "name": "Li"}, {"age": 40, "name": "Jo"}]}
    for run in (ruleset.evaluate, ruleset.interpret):
        verdict = run(facts, as_of="2025-01-01")
        assert verdict.to_dict()["decisions"][0]["calls"][0]["fired"][0]["holes"] == {"p.name": "Li", "p.age": 12}
        assert verdict.explain().splitlines()[4:6] == [
            "  calls    label(p = {age: 12, name: Li}), for people[1], gave minor — rule label#1 (line 6): Li is",
            "           12."]


SHARE_NO_MATCH = ("input ages : list of integer\n"
                  "function share(a : integer) : money\n  | a || share\n  | <= 29 || 8 €\n  | 30..60 || 14 €\n"
                  "decision all_shares : list of money = for x in ages return share(x)\n")


@pytest.mark.parametrize("path", ["evaluate", "interpret"])
@pytest.mark.parametrize("traced", [True, False])
def test_a_call_that_finds_no_rule_says_where_it_was_called_and_for_which_element(tmp_path, path, traced):
    (tmp_path / "fn.rules").write_text(SHARE_NO_MATCH, encoding="utf-8")
    ruleset = engine.load_ruleset(tmp_path / "fn.rules")
    with pytest.raises(engine.EvaluationError) as raised:
        getattr(ruleset, path)({"ages": [20, 40, 70]}, as_of="2025-01-01", trace=traced)
    diagnostic, = raised.value.diagnostics
    element = " for ages[3]" if traced else ""  # the element is counted when tracing, from 1 as `ages[1]` is the first
    assert (diagnostic.code, diagnostic.span.line) == ("no-match", 2)
    assert diagnostic.message == (f"no rule of `share` matches a = 70 (as of 2025-01-01), "
                                  f"called at {tmp_path / 'fn.rules'}:6:60{element}")


def test_a_partial_verdict_gives_the_failing_call_and_element_as_its_reason(tmp_path, capsys):
    from engine.cli import main
    (tmp_path / "fn.rules").write_text(SHARE_NO_MATCH, encoding="utf-8")
    (tmp_path / "f.yaml").write_text("ages: [20, 40, 70]\n", encoding="utf-8")
    assert main(["eval", str(tmp_path / "fn.rules"), "--facts", str(tmp_path / "f.yaml"), "--as-of", "2025-01-01"]) == 1
    words = " ".join(capsys.readouterr().out.split())  # the line is wrapped where the path makes it long
    assert f"because no rule of `share` matches a = 70 (as of 2025-01-01), called at {tmp_path / 'fn.rules'}:6:60 " \
           "for ages[3] rule fn.rules:2" in words
