"""The `verdict` command: exit codes 0/1/2, what goes to stdout and stderr, and the formats.

Most tests call engine.cli.main in-process (fast); a few run the installed `verdict` script and
`python -m engine` in a subprocess to check the real entry points and that no traceback leaks.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.cli import main

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
VENV_BIN = Path(sys.executable).parent
AS_OF = "2025-06-01"


@pytest.fixture
def golden_cwd(monkeypatch):
    monkeypatch.chdir(GOLDEN_DIR)


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    """(exit code, stdout, stderr) of `verdict ARGV`, in-process."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def no_traceback(err: str):
    assert "Traceback" not in err and 'File "' not in err, err


@pytest.fixture
def bad_rules(tmp_path):
    path = tmp_path / "bad.rules"
    path.write_text("input x : integer\ndecision d : integer = y\n", encoding="utf-8")
    return path


@pytest.fixture
def mini_copy(tmp_path):
    copy = tmp_path / "mini"
    shutil.copytree(GOLDEN_DIR / "mini", copy)
    return copy


# ============================================================================ check

def test_check_clean_ruleset_exits_0(capsys, golden_cwd):
    # the fixture leaves most French explanations untranslated on purpose (to test the fallback)
    code, out, err = run(capsys, "check", "mini")
    assert (code, err) == (0, "")
    assert out.startswith("mini/messages/fr.yaml:1:1: warning[missing-translation]: 4 explanation(s) have no `fr` "
                          "translation: band_reduced, reimbursed, patient_pays#1, patient_pays#2\n")
    assert out.endswith("\n0 error(s), 1 warning(s)\n")


def test_check_with_errors_exits_1_and_renders_them(capsys, bad_rules):
    code, out, err = run(capsys, "check", str(bad_rules))
    assert code == 1 and err == ""
    assert out == (f"{bad_rules}:1:7: warning[unused] 1/2: input `x` is not used by any decision\n"
                   "   1 | input x : integer\n"
                   "     |       ^\n"
                   "\n"
                   f"{bad_rules}:2:24: error[unknown-name] 2/2: unknown name `y`\n"
                   "   2 | decision d : integer = y\n"
                   "     |                        ^\n"
                   "  = declare it as an input, a parameter or a decision\n"
                   "\n"
                   "1 error(s), 1 warning(s)\n")


def test_check_with_only_warnings_exits_0(capsys, tmp_path):
    path = tmp_path / "w.rules"
    path.write_text("input x : integer\ninput y : integer\ndecision d : integer = x\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0
    assert out.endswith("0 error(s), 1 warning(s)\n")
    assert f"{path}:2:7: warning[unused]: input `y` is not used by any decision" in out


def test_check_format_json(capsys, tmp_path):
    path = tmp_path / "j.rules"
    path.write_text("input household_size : integer\ninput z : integer\ndecision d : integer = houshold_size\n",
                    encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    assert code == 1
    assert json.loads(out) == {"diagnostics": [
        {"severity": "warning", "code": "unused", "file": str(path), "line": 2, "column": 7,
         "message": "input `z` is not used by any decision"},
        {"severity": "error", "code": "unknown-name", "file": str(path), "line": 3, "column": 24,
         "message": "unknown name `houshold_size`", "hint": "did you mean `household_size`?"}]}


def test_check_format_json_of_a_clean_ruleset(capsys, golden_cwd):
    code, out, _ = run(capsys, "check", "mini", "--format", "json")
    assert code == 0 and [d["code"] for d in json.loads(out)["diagnostics"]] == ["missing-translation"]


def test_check_format_json_of_a_syntax_error(capsys, tmp_path):
    path = tmp_path / "s.rules"
    path.write_text("inptu age : integer\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    diagnostic, = json.loads(out)["diagnostics"]
    assert code == 1
    assert {k: diagnostic[k] for k in ("severity", "code", "line", "column")} == \
        {"severity": "error", "code": "syntax", "line": 1, "column": 1}


# ============================================================================ eval

def test_eval_text_is_the_explanation(capsys, golden_cwd):
    code, out, err = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert out.splitlines()[2:4] == [
        "Care band: reduced", "  because  Resources of €12,000.50 are above €10,166.00 but not above 138% of it."]
    assert "Paid by the patient: €30.00" in out.splitlines()


def test_eval_json_is_the_golden_trace(capsys, golden_cwd):
    code, out, err = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", AS_OF, "--format", "json")
    assert (code, err) == (0, "")
    assert out == (GOLDEN_DIR / "mini_trace.json").read_text(encoding="utf-8")


def test_eval_output_selects_decisions(capsys, golden_cwd):
    code, out, _ = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", AS_OF, "--format", "json",
                       "--output", "reimbursed", "--output", "band")
    trace = json.loads(out)
    assert code == 0
    assert trace["requested"] == ["reimbursed", "band"]
    assert trace["outputs"] == {"reimbursed": "19.00", "band": "reduced"}
    assert [d["name"] for d in trace["decisions"]] == ["reimbursed", "band"]


def test_eval_output_needs_only_its_facts(capsys, golden_cwd, tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", "mini", "--facts", str(empty), "--as-of", AS_OF, "--output", "reimbursed")
    assert (code, err) == (0, "")
    assert "Reimbursed per consultation: €19.00" in out.splitlines()


@pytest.mark.parametrize("as_of, expected", [("2023-11-01", "16.55"), ("2024-12-21", "16.55"), ("2024-12-22", "19.00")])
def test_eval_as_of(capsys, golden_cwd, as_of, expected):
    code, out, _ = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", as_of, "--format", "json",
                       "--output", "reimbursed")
    assert (code, json.loads(out)["outputs"], json.loads(out)["as_of"]) == (0, {"reimbursed": expected}, as_of)


def test_eval_lang(capsys, golden_cwd):
    code, out, _ = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", AS_OF, "--lang", "fr")
    assert code == 0
    assert "Tranche de prise en charge\u00a0: réduit" in out.splitlines()
    assert "  parce que  Vous avancez le tarif complet de 30,00\u00a0€." in out.splitlines()


def test_eval_facts_from_stdin_as_json(capsys, golden_cwd, monkeypatch):
    facts = json.dumps({"age": 24, "resources": "9000.00", "territory": "outre_mer", "nationality": "FR",
                        "has_card": True})
    code, out, _ = run(capsys, "eval", "mini", "--facts", "-", "--as-of", AS_OF, "--format", "json",
                       stdin=facts, monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["outputs"] == {"band": "free", "reimbursed": "19.00", "patient_pays": "0.00",
                                          "eu_citizen": True}


def test_eval_bad_rules_exits_2_with_the_diagnostic_on_stderr(capsys, bad_rules, tmp_path):
    facts = tmp_path / "f.yaml"
    facts.write_text("x: 1\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", str(bad_rules), "--facts", str(facts))
    assert (code, out) == (2, "")
    assert err == (f"{bad_rules}:2:24: error[unknown-name]: unknown name `y`\n"
                   "   2 | decision d : integer = y\n"
                   "     |                        ^\n"
                   "  = declare it as an input, a parameter or a decision\n")


def test_eval_bad_facts_exits_2_and_prints_nothing_on_stdout(capsys, golden_cwd, tmp_path):
    facts = tmp_path / "bad.json"
    facts.write_text('{"age": 24, "resources": "12000.50", "territory": "metropol", "nationality": "cn"}',
                     encoding="utf-8")
    code, out, err = run(capsys, "eval", "mini", "--facts", str(facts), "--as-of", AS_OF)
    assert (code, out) == (2, "")
    assert err == ("error[fact-type] 1/2: fact `territory`: expected Territory {metropole, outre_mer}, got 'metropol'\n"
                   "  = did you mean `metropole`?\n"
                   "\n"
                   "error[fact-type] 2/2: fact `nationality`: expected country, got 'cn' "
                   "(not an ISO 3166-1 alpha-2 code)\n"
                   "  = write `CN` (ISO 3166-1 alpha-2, upper case)\n")


@pytest.mark.parametrize("argv, stderr", [
    (["--facts", "mini/facts.yaml", "--as-of", "2025-13-01"],
     "error[fact-type]: as_of: expected a date YYYY-MM-DD, got '2025-13-01' (not a day of the calendar)\n"
     "  = check the month and the day\n"),
    (["--facts", "mini/facts.yaml", "--as-of", AS_OF, "--output", "nope"],
     "error[unknown-output]: unknown decision `nope`\n  = the decisions are: band, reimbursed, patient_pays, eu_citizen\n"),
    (["--facts", "nofile.yaml"], "error[not-found]: facts file nofile.yaml: No such file or directory\n"),
])
def test_eval_other_failures_exit_2(capsys, golden_cwd, argv, stderr):
    assert run(capsys, "eval", "mini", *argv) == (2, "", stderr)


def test_an_output_the_rules_cannot_give_is_a_partial_verdict_exit_1(capsys, golden_cwd):
    code, out, err = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", "2016-01-01",
                         "--output", "reimbursed", "--output", "eu_citizen")
    assert code == 1
    # what can be answered is answered; the other output says why not
    assert "EU citizen: no" in out.splitlines()
    assert "Reimbursed per consultation: no answer" in out.splitlines()
    assert ("  because  in `reimbursed`: parameter `consultation_fee` has no value on 2016-01-01; its first value\n"
            "           is from 2017-05-01\n") in out
    # stderr: the rule's line with a caret under the parameter, then the summary
    lines = err.split("\n")
    assert lines[0] == ("mini/costs.rules:20:75: error[evaluation]: in `reimbursed`: parameter `consultation_fee` "
                        "has no value on 2016-01-01; its first value is from 2017-05-01")
    assert lines[2].strip().endswith("^" * len("consultation_fee"))
    assert lines[-2] == "incomplete verdict: 1 of 2 outputs asked have no answer"


def test_a_partial_verdict_in_json_is_a_trace_with_statuses(capsys, golden_cwd, tmp_path):
    facts = tmp_path / "f.yaml"
    facts.write_text("age: 24\nterritory: metropole\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", "mini", "--facts", str(facts), "--as-of", AS_OF, "--format", "json",
                         "--output", "eu_citizen", "--output", "band")
    assert code == 1
    trace = json.loads(out)
    assert (trace["complete"], trace["outputs"]) == (False, {})
    assert trace["status"] == {"eu_citizen": {"status": "not_evaluated", "missing": ["nationality"]},
                               "band": {"status": "not_evaluated", "missing": ["resources"]}}
    assert "error[missing-fact] 1/2: missing fact `nationality` (country), read by eu_citizen" in err
    saved = tmp_path / "t.json"
    saved.write_text(out, encoding="utf-8")
    assert run(capsys, "explain", str(saved))[0] == 0
    assert run(capsys, "replay", str(saved), "mini")[:2] == (0, (
        f"the ruleset is unchanged (sha256 {engine.load_ruleset('mini').sha256[:12]}…)\n"
        "same verdict: the outputs, the rules that fired and the figures are identical as of 2025-06-01\n"))


@pytest.mark.parametrize("content, message", [
    ("- 1\n- 2\n", "error[fact-type]: facts file {path}: expected a mapping of fact name → value, got list\n"),
    ("age: [1\n", "{path}:2:1: error[fact-type]: facts file: expected ',' or ']', but got the end of the file\n"
                  "   2 | \n     | ^\n  = in the list `[…]` that starts at line 1, column 6\n"),
    ("age: 1\nage: 2\n", "{path}:2:1: error[fact-type]: facts file: duplicate key `age`\n   2 | age: 2\n     | ^\n"),
])
def test_eval_unreadable_facts_file_exits_2(capsys, golden_cwd, tmp_path, content, message):
    facts = tmp_path / "f.yaml"
    facts.write_text(content, encoding="utf-8")
    assert run(capsys, "eval", "mini", "--facts", str(facts), "--as-of", AS_OF) == \
        (2, "", message.format(path=facts))


def test_eval_missing_ruleset_exits_2(capsys, golden_cwd):
    assert run(capsys, "eval", "nowhere", "--facts", "mini/facts.yaml") == \
        (2, "", "error[not-found]: nowhere: no such file or folder\n")


def test_eval_no_match_is_a_partial_verdict_exit_1(capsys, tmp_path):
    rules = tmp_path / "n.rules"
    rules.write_text("input n : integer\ndecision d hit first\n  | n || d\n  | > 5 || 1\n", encoding="utf-8")
    facts = tmp_path / "f.yaml"
    facts.write_text("n: 1\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", str(rules), "--facts", str(facts), "--as-of", AS_OF)
    assert code == 1
    assert "d: no answer\n  because  no rule of `d` matches n = 1 (as of 2025-06-01)\n" in out
    assert err.startswith(f"{rules}:2:10: error[no-match]: no rule of `d` matches n = 1 (as of 2025-06-01)\n")


# ============================================================================ test

CASES = """\
- name: reduced band, no card
  as_of: 2025-06-01
  facts: {age: 24, resources: 12000.50, territory: metropole, nationality: CN}
  expected: {band: reduced, patient_pays: 30.00}
  fired: [band_reduced, patient_pays#4]
- name: free band
  as_of: 2025-06-01
  facts: {age: 24, resources: 100, territory: metropole, nationality: DE}
  expected: {band: free, patient_pays: "0.00", eu_citizen: true}
"""


def test_test_command_passes(capsys, mini_copy):
    (mini_copy / "tests").mkdir()
    (mini_copy / "tests" / "cases.yaml").write_text(CASES, encoding="utf-8")
    code, out, err = run(capsys, "test", str(mini_copy))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "2 passed, 0 failed"
    # fired: band_reduced, patient_pays#4 (case 1); band_free, patient_pays#1, eu_citizen#1 (case 2)
    assert out.splitlines()[:7] == ["6 rule(s) no case exercises:",
                                    f"  band_free_outre_mer ({mini_copy}/costs.rules:17)",
                                    f"  band_full ({mini_copy}/costs.rules:18)",
                                    f"  patient_pays#2 ({mini_copy}/costs.rules:25)",
                                    f"  patient_pays#3 ({mini_copy}/costs.rules:26)",
                                    f"  eu_citizen#2 ({mini_copy}/costs.rules:32)",
                                    f"  eu_citizen#3 ({mini_copy}/costs.rules:33)"]


def test_test_command_reports_failures_and_exits_1(capsys, mini_copy):
    (mini_copy / "tests").mkdir()
    (mini_copy / "tests" / "cases.yaml").write_text(CASES.replace("patient_pays: 30.00", "patient_pays: 29.00"),
                                                    encoding="utf-8")
    code, out, _ = run(capsys, "test", str(mini_copy))
    assert code == 1
    assert out.splitlines()[:2] == [f"FAIL {mini_copy}/tests/cases.yaml:1: reduced band, no card",
                                    "     patient_pays: expected \"29.00\", got \"30.00\""]  # as written, exactly
    assert out.splitlines()[-1] == "1 passed, 1 failed"


def test_test_command_reports_a_bad_case_file(capsys, mini_copy):
    (mini_copy / "tests").mkdir()
    (mini_copy / "tests" / "cases.yaml").write_text("- name: no expectation\n  facts: {}\n", encoding="utf-8")
    code, out, _ = run(capsys, "test", str(mini_copy))
    assert code == 1
    assert out.splitlines()[:2] == [
        f"INVALID {mini_copy}/tests/cases.yaml:1: no expectation",
        "     a case needs `expected` (the outputs it checks) or `error` (a part of the message)"]


# ============================================================================ explain

@pytest.fixture
def saved_trace(tmp_path):
    path = tmp_path / "trace.json"
    shutil.copy(GOLDEN_DIR / "mini_trace.json", path)
    return path


def test_explain_renders_a_saved_trace(capsys, golden_cwd, saved_trace):
    code, out, err = run(capsys, "explain", str(saved_trace))
    assert (code, err) == (0, "")
    _, evaluated, _ = run(capsys, "eval", "mini", "--facts", "mini/facts.yaml", "--as-of", AS_OF)
    assert out == evaluated


def test_explain_lang(capsys, saved_trace):
    code, out, _ = run(capsys, "explain", str(saved_trace), "--lang", "fr")
    assert code == 0
    assert "Reste à payer\u00a0: 30,00\u00a0€" in out.splitlines()


@pytest.mark.parametrize("content, message", [
    ("not json", "error[trace]: {path}: not JSON (Expecting value at line 1)\n"),
    ('{"trace_format": 2}', "error[trace]: {path}: the trace has no `ruleset`\n"),
    ('{"trace_format": 1}', "error[trace]: {path}: a trace of format 1 (verdict 0.1) carries no digest, so its "
                            "text cannot be trusted\n  = `verdict replay TRACE RULESET` evaluates its facts again\n"),
])
def test_explain_bad_trace_exits_2(capsys, tmp_path, content, message):
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    assert run(capsys, "explain", str(path)) == (2, "", message.format(path=path))


def test_explain_missing_trace_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, "explain", str(tmp_path / "none.json"))
    assert (code, out) == (2, "")
    assert err == f"error[not-found]: trace {tmp_path / 'none.json'}: No such file or directory\n"


# ============================================================================ replay

def test_replay_unchanged_exits_0(capsys, golden_cwd, saved_trace):
    code, out, err = run(capsys, "replay", str(saved_trace), "mini")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == ("same verdict: the outputs, the rules that fired and the figures are identical "
                                   "as of 2025-06-01")


def test_replay_changed_exits_1_and_names_the_changed_output(capsys, saved_trace, mini_copy):
    rules = mini_copy / "costs.rules"
    rules.write_text(rules.read_text(encoding="utf-8").replace("from 2024-04-01 = 10166 €", "from 2024-04-01 = 12500 €"),
                     encoding="utf-8")
    code, out, err = run(capsys, "replay", str(saved_trace), str(mini_copy))
    assert (code, err) == (1, "")
    assert out.splitlines()[0].startswith("the ruleset changed: sha256 ")
    assert out.splitlines()[1:] == [
        "the verdict differs:",
        "  free_ceiling: €10,166.00 from 2024-04-01 → €12,500.00 from 2024-04-01  (read by band)",
        "  band: reduced → free  (costs.rules:15)", "  band: rules fired band_reduced → band_free",
        "  patient_pays: €30.00 → €0.00  (costs.rules:24)",
        "  patient_pays: rules fired patient_pays#4 → patient_pays#1"]


def test_replay_bad_trace_exits_2(capsys, golden_cwd, tmp_path):
    path = tmp_path / "t.json"
    path.write_text("[]", encoding="utf-8")
    assert run(capsys, "replay", str(path), "mini") == (2, "", f"error[trace]: {path}: not a verdict trace of format 3 (or 2)\n")


def test_replay_on_bad_rules_exits_2(capsys, saved_trace, bad_rules):
    code, out, err = run(capsys, "replay", str(saved_trace), str(bad_rules))
    assert (code, out) == (2, "")
    assert "error[unknown-name]: unknown name `y`" in err
    no_traceback(err)


# ============================================================================ the real entry points

def test_verdict_script_and_python_m_engine(golden_cwd):
    for command in ([str(VENV_BIN / "verdict")], [sys.executable, "-m", "engine"]):
        done = subprocess.run(command + ["eval", "mini", "--facts", "mini/facts.yaml", "--as-of", AS_OF,
                                         "--format", "json"], capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stderr) == (0, ""), command
        assert done.stdout == (GOLDEN_DIR / "mini_trace.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, code", [
    (["check", "{bad}"], 1),
    (["eval", "{bad}", "--facts", "mini/facts.yaml"], 2),
    (["eval", "mini", "--facts", "{badfacts}", "--as-of", AS_OF], 2),
    (["explain", "{badtrace}"], 2),
    (["replay", "{badtrace}", "mini"], 2),
])
def test_failures_in_a_subprocess_have_no_traceback(golden_cwd, tmp_path, argv, code):
    bad = tmp_path / "bad.rules"
    bad.write_text("input x : integer\ndecision d : integer = (x\n", encoding="utf-8")
    badfacts = tmp_path / "f.yaml"
    badfacts.write_text("age: many\n", encoding="utf-8")
    badtrace = tmp_path / "t.json"
    badtrace.write_text("{", encoding="utf-8")
    argv = [a.format(bad=bad, badfacts=badfacts, badtrace=badtrace) for a in argv]
    done = subprocess.run([sys.executable, "-m", "engine", *argv], capture_output=True, text=True, timeout=60)
    assert done.returncode == code
    no_traceback(done.stderr)
    if code == 2:
        assert done.stdout == "" and done.stderr.startswith(("error[", str(bad)))


def test_checking_one_file_of_a_ruleset_says_its_unknown_names_may_be_in_the_others(capsys, tmp_path):
    (tmp_path / "inputs.rules").write_text("input age : integer 0..130\n", encoding="utf-8")
    (tmp_path / "adult.rules").write_text("decision adult : bool = age >= 18\n", encoding="utf-8")
    assert "one-file" not in run(capsys, "check", str(tmp_path / "adult.rules"))[1]  # no ruleset.yaml: not a ruleset
    (tmp_path / "ruleset.yaml").write_text("name: adults\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(tmp_path / "adult.rules"))
    assert code == 1
    assert out.endswith(f"note[one-file] 2/2: 1 of the names unknown here are declared in other files of {tmp_path}, "
                        "which share one namespace with this one: `age` (inputs.rules)\n"
                        f"  = check the folder: verdict check {tmp_path}\n\n1 error(s), 0 warning(s)\n")
    assert run(capsys, "check", str(tmp_path))[:2] == (0, "0 error(s), 0 warning(s)\n")
    (tmp_path / "inputs.rules").unlink()  # a file alone: its unknown names are just unknown
    assert "one-file" not in run(capsys, "check", str(tmp_path / "adult.rules"))[1]


@pytest.mark.parametrize("name", ["cases.csv", "cases.json", "cases.XLSX"])
def test_a_batch_file_that_is_no_json_lines_is_refused_once_before_any_work(capsys, golden_cwd, tmp_path, name):
    batch = tmp_path / name
    batch.write_text("nationality,age\nCN,24\n", encoding="utf-8")
    suffix = "." + name.rsplit(".", 1)[1].lower()
    assert run(capsys, "eval", "nowhere", "--batch", str(batch)) == (2, "", (
        f"error[usage]: --batch {batch}: a batch is JSON Lines (.jsonl, one JSON object of facts a line) or "
        f"Parquet (.parquet, a column a fact), not {suffix}\n"
        "  = a single case goes with --facts FILE; a table can be saved as Parquet\n"))
