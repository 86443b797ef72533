"""`verdict eval PATH --batch FILE.jsonl|-` (engine/batch.py): one line out per line in, in order."""
from __future__ import annotations

import io
import json

import pytest

import engine
from engine import batch, cli

RULES = """\
type Territory = {metropole, outre_mer}
input size : integer 1..20
input territory : Territory
input income : money >= 0 €
decision ceiling : money hit unique
  | size | territory || ceiling
  | 1    | metropole || 10339 €
  | 1    | outre_mer || 11507 €
  | >= 2 | metropole || 10339 € + (size - 1) * 5000 €
  | >= 2 | outre_mer || 11507 € + (size - 1) * 5500 €
decision free : bool = income <= ceiling
"""


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "css.rules"
    path.write_text(RULES, encoding="utf-8")
    return path


def lines_of(text: bytes) -> list:
    return [json.loads(line) for line in text.decode("utf-8").splitlines()]


def run(ruleset, text: str, **options) -> list:
    out = io.BytesIO()
    batch.run(ruleset, io.BytesIO(text.encode("utf-8")), out, **options)
    return lines_of(out.getvalue())


def test_plain_facts_and_envelopes_in_order(rules):
    ruleset = engine.load_ruleset(rules)
    text = "\n".join([
        json.dumps({"size": 1, "territory": "metropole", "income": 9000}),
        "",
        json.dumps({"facts": {"size": 3, "territory": "outre_mer", "income": 30000}, "outputs": ["ceiling"]}),
        json.dumps({"facts": {"size": 1, "territory": "metropole", "income": 9000}, "as_of": "2020-01-01"}),
    ]) + "\n"
    got = run(ruleset, text, as_of="2025-01-01")
    assert got == [
        {"line": 1, "outputs": {"ceiling": "10339.00", "free": True}},
        {"line": 3, "outputs": {"ceiling": "22507.00"}},
        {"line": 4, "outputs": {"ceiling": "10339.00", "free": True}},
    ]


def test_bad_lines_become_error_lines_and_the_batch_goes_on(rules):
    ruleset = engine.load_ruleset(rules)
    text = "\n".join([
        "not json",
        "[1, 2]",
        json.dumps({"size": 0, "territory": "metropole", "income": 1}),
        json.dumps({"size": 1, "territory": "metropole", "income": 1, "colour": "red"}),
        json.dumps({"facts": {"size": 1}, "outputs": "ceiling"}),
        json.dumps({"facts": {"size": 1, "territory": "metropole"}, "outputs": ["nope"]}),
        json.dumps({"facts": {"size": 1, "territory": "metropole"}, "as_of": "yesterday"}),
        json.dumps({"size": 2, "territory": "metropole", "income": 15339}),
    ])
    got = run(ruleset, text, as_of="2025-01-01")
    assert [g["line"] for g in got] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all("error" in g for g in got[:7]) and got[7] == {"line": 8, "outputs": {"ceiling": "15339.00",
                                                                                        "free": True}}
    assert got[0]["error"].startswith("not a JSON line")
    assert "expected an object" in got[1]["error"]
    assert "outside its declared range" in got[2]["error"] and got[2]["diagnostics"][0]["code"] == "fact-range"
    assert "unknown fact `colour`" in got[3]["error"]
    assert "list of decision names" in got[4]["error"]
    assert "unknown decision `nope`" in got[5]["error"]
    assert "expected a date" in got[6]["error"]


def test_trace_adds_the_same_trace_as_evaluate(rules):
    ruleset = engine.load_ruleset(rules)
    facts = {"size": 2, "territory": "outre_mer", "income": 17007}
    got = run(ruleset, json.dumps(facts) + "\n", as_of="2025-01-01", trace=True)
    assert got[0]["trace"] == json.loads(json.dumps(ruleset.evaluate(facts, as_of="2025-01-01").to_dict()))
    assert "trace" not in run(ruleset, json.dumps(facts) + "\n", as_of="2025-01-01")[0]


def test_many_chunks_on_several_processes_keep_the_order(rules, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK_BYTES", 512)  # many small chunks
    ruleset = engine.load_ruleset(rules)
    text = "".join(json.dumps({"size": 1 + i % 20, "territory": ["metropole", "outre_mer"][i % 2],
                               "income": i * 100}) + "\n" if i % 97 else "oops\n" for i in range(1, 2000))
    parallel = run(ruleset, text, as_of="2025-01-01", jobs=2)
    single = run(ruleset, text, as_of="2025-01-01", jobs=1)
    assert parallel == single
    assert [g["line"] for g in parallel] == list(range(1, 2000))
    for g in parallel:
        if g["line"] % 97:
            i = g["line"]
            expected = ruleset.evaluate({"size": 1 + i % 20, "territory": ["metropole", "outre_mer"][i % 2],
                                         "income": i * 100}, as_of="2025-01-01", trace=False)
            assert g["outputs"]["ceiling"] == str(expected.outputs["ceiling"])
        else:
            assert "error" in g


def test_a_last_line_without_newline_and_crlf_lines(rules):
    ruleset = engine.load_ruleset(rules)
    text = json.dumps({"size": 1, "territory": "metropole", "income": 1}) + "\r\n" + \
        json.dumps({"size": 1, "territory": "outre_mer", "income": 1})
    got = run(ruleset, text, as_of="2025-01-01")
    assert [g["outputs"]["ceiling"] for g in got] == ["10339.00", "11507.00"]


def test_the_command_reads_standard_input_and_exits_1_on_error_lines(rules, monkeypatch, capsysbinary):
    text = json.dumps({"size": 1, "territory": "metropole", "income": 1}) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert cli.main(["eval", str(rules), "--batch", "-", "--as-of", "2025-01-01", "--output", "free"]) == 0
    assert lines_of(capsysbinary.readouterr().out) == [{"line": 1, "outputs": {"free": True}}]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"{}\n")))
    assert cli.main(["eval", str(rules), "--batch", "-", "--as-of", "2025-01-01"]) == 1
    [line] = lines_of(capsysbinary.readouterr().out)
    assert line["complete"] is False and line["outputs"] == {}  # a partial verdict: nothing could be answered
    assert {s["status"] for s in line["status"].values()} == {"not_evaluated"}


def test_the_command_refuses_a_bad_default_date_or_output_once(rules, tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    path.write_text("{}\n", encoding="utf-8")
    assert cli.main(["eval", str(rules), "--batch", str(path), "--as-of", "2025-13-01"]) == 2
    assert "--as-of" in capsys.readouterr().err
    assert cli.main(["eval", str(rules), "--batch", str(path), "--output", "nope"]) == 2
    assert "unknown decision `nope`" in capsys.readouterr().err
    assert cli.main(["eval", str(rules), "--batch", str(tmp_path / "missing.jsonl")]) == 2
    assert cli.main(["eval", str(rules)]) == 2


def test_no_progress_bar_unless_standard_error_is_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert batch.progress_stream() is None


def test_the_progress_bar_goes_to_the_stream_it_is_given(rules):
    ruleset = engine.load_ruleset(rules)
    bar = io.StringIO()
    out = io.BytesIO()
    text = json.dumps({"size": 1, "territory": "metropole", "income": 1}) + "\n"
    batch.run(ruleset, io.BytesIO(text.encode()), out, as_of="2025-01-01", progress=bar, total=len(text))
    assert "1 lines" in bar.getvalue() and "100%" in bar.getvalue()
    assert out.getvalue().count(b"\n") == 1
