"""Hostile input, round two (issue #14): threads, batch lines, YAML numbers, ruleset folders,
tiny exponents, lazy compilation, and the small points of item 7. Each test holds the exact
reproducer of the issue."""
from __future__ import annotations

import datetime as dt
import json
import random
import threading
from pathlib import Path

import pytest

import engine
from engine.errors import VerdictError
from engine.ruleset_files import load_yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "rulesets" / "student_health"
WANG = load_yaml((ROOT / "examples" / "wang.yaml").read_text(encoding="utf-8"), "wang.yaml")


# ---------------------------------------------------------------------------- 1. threads

def _outcome(ruleset, facts, day, outputs, traced):
    try:
        verdict = ruleset.evaluate(facts, as_of=day, outputs=outputs, trace=traced)
    except VerdictError as error:
        return "error: " + error.render()
    return verdict.to_json() if traced else json.dumps(engine.values.to_json_value(verdict.outputs))


def test_sixteen_threads_on_a_fresh_ruleset_give_the_serial_results():
    """Code is generated per day and per output list on first use; 16 threads asking at once on a
    freshly loaded ruleset (cold caches) must build it once, without the interpreter's AST
    converter failing ("SystemError: AST constructor recursion depth mismatch")."""
    days = [dt.date(2011, 3, 1) + dt.timedelta(days=461 * k) for k in range(12)]  # 2011 to 2025
    decisions = engine.load_ruleset(BUNDLED).decisions
    output_lists = [None, ("css_status",), ("enrolment", "zone"), ("gp_reimbursement",), tuple(decisions[:5])]
    jobs = [(days[k % len(days)], output_lists[k % len(output_lists)], k % 4 == 0,
             WANG if k % 7 else dict(WANG, household_size=0)) for k in range(160)]
    serial_ruleset = engine.load_ruleset(BUNDLED)
    serial = [_outcome(serial_ruleset, facts, day, outputs, traced) for day, outputs, traced, facts in jobs]
    shared = engine.load_ruleset(BUNDLED)  # fresh: nothing generated yet
    barrier = threading.Barrier(16)
    failures, done = [], [0]

    def worker(number: int):
        order = list(range(len(jobs)))
        random.Random(number).shuffle(order)
        try:
            barrier.wait(timeout=60)
            for index in order * 2:
                day, outputs, traced, facts = jobs[index]
                got = _outcome(shared, facts, day, outputs, traced)
                if got != serial[index]:
                    failures.append((number, index, got[:300]))
                done[0] += 1
        except Exception as error:  # noqa: BLE001 - any exception in a thread is the failure looked for
            failures.append((number, "exception", repr(error)))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    assert done[0] == 16 * 2 * len(jobs)  # 5,120 evaluations


# ---------------------------------------------------------------------------- 2. one bad batch line

import io  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from engine import batch, cli  # noqa: E402

POWER_RULES = ("input n : integer\ndecision a : integer = " + "*".join(["n"] * 30)
               + "\ndecision x : integer = a*a*a*a*a*a*a*a*a*a*a*a\n")


def _batch(ruleset, text: bytes, **options) -> list:
    out = io.BytesIO()
    batch.run(ruleset, io.BytesIO(text), out, jobs=1, **options)
    return [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]


def test_a_lone_surrogate_is_an_error_line_and_the_other_lines_are_answered(tmp_path):
    path = tmp_path / "n.rules"
    path.write_text("input n : integer\ndecision d : integer = n + 1\n", encoding="utf-8")
    got = _batch(engine.load_ruleset(path), b'{"n": 1}\n{"\\ud800": 1}\n{"n": "\\udfff"}\n{"n": 2}\n')
    message = ("the text `\\ud800` holds \\ud800, half of a UTF-16 pair and not a character; send the text as "
               "UTF-8")
    assert got == [
        {"line": 1, "outputs": {"d": 2}},
        {"line": 2, "error": message, "diagnostics": [{"severity": "error", "code": "batch-line", "message": message}]},
        {"line": 3, "error": got[2]["error"], "diagnostics": got[2]["diagnostics"]},
        {"line": 4, "outputs": {"d": 3}},
    ]
    assert got[2]["error"] == ("the text `\\udfff` in `n` holds \\udfff, half of a UTF-16 pair and not a "
                               "character; send the text as UTF-8")


def test_a_surrogate_as_raw_bytes_is_refused_too(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text("input t : text\ndecision d : text = t\n", encoding="utf-8")
    got = _batch(engine.load_ruleset(path), b'{"t": "\xed\xa0\x80"}\n{"t": "ok"}\n')
    assert "holds \\ud800" in got[0]["error"] and got[1] == {"line": 2, "outputs": {"d": "ok"}}


def test_a_whole_number_of_thousands_of_digits_is_an_error_for_its_line_alone(tmp_path):
    path = tmp_path / "power.rules"
    path.write_text(POWER_RULES, encoding="utf-8")
    got = _batch(engine.load_ruleset(path), b'{"n": 999999999999999}\n{"n": 1}\n')
    message = ("in `a`: the whole number computed has 450 digits, more than the 28 of exact arithmetic; "
               "with n = 999999999999999")
    # a partial verdict for that line: `a` has no answer, and says why
    status = got[0]["status"]["a"]
    assert got[0]["complete"] is False and status["status"] == "no_answer"
    assert status["reason"]["en"] == message and status["location"]["line"] == 2
    assert got[1] == {"line": 2, "outputs": {"a": 1, "x": 1}}


def test_a_whole_number_of_thousands_of_digits_through_facts_is_an_evaluation_error(tmp_path):
    path = tmp_path / "power.rules"
    path.write_text(POWER_RULES, encoding="utf-8")
    facts = tmp_path / "f.json"
    facts.write_text('{"n": 999999999999999}', encoding="utf-8")
    status, out, err = _cli(["eval", path, "--facts", facts, "--as-of", "2025-01-01"])
    assert status == 1 and "a: no answer" in out  # a partial verdict: `x` is still answered
    assert "error[evaluation]: in `a`: the whole number computed has 450 digits" in err and "internal" not in err


def test_a_verdict_json_cannot_carry_is_an_error_line_not_the_end_of_the_batch():
    line, failed = batch._encoded(7, {"line": 7, "outputs": {"t": "\ud800"}})
    assert failed and json.loads(line) == {
        "line": 7, "error": "the verdict holds a lone surrogate (half of a UTF-16 pair), which is not a character",
        "diagnostics": [{"severity": "error", "code": "batch-output", "message":
                         "the verdict holds a lone surrogate (half of a UTF-16 pair), which is not a character"}]}
    line, failed = batch._encoded(8, {"line": 8, "outputs": {"x": 10 ** 5000}})
    assert failed and json.loads(line)["error"] == "the verdict holds a number too long to write"


def test_a_json_integer_of_5000_digits_is_refused_in_our_words(tmp_path):
    path = tmp_path / "n.rules"
    path.write_text("input n : integer\ndecision d : integer = n + 1\n", encoding="utf-8")
    got = _batch(engine.load_ruleset(path), b'{"n": 1' + b"0" * 5000 + b'}\n')
    assert got[0]["error"].startswith("fact `n`: expected integer, got 1000000000")
    assert got[0]["error"].endswith("(larger than 1,000,000,000,000,000)")
    assert "set_int_max_str_digits" not in json.dumps(got)


def _cli(argv) -> tuple[int, str, str]:
    import contextlib
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_mid_batch_leaves_whole_lines_and_says_so(tmp_path, jobs):
    path = tmp_path / "n.rules"
    path.write_text("input n : integer\ndecision d : integer = n + 1\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "engine", "eval", str(path), "--batch", "-", "--jobs", jobs,
                                "--as-of", "2025-01-01"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT)
    feeding = threading.Event()

    def feed():  # lines keep coming until the batch is stopped
        block = b"".join(b'{"n": %d}%s\n' % (k, b" " * 200) for k in range(2_000))  # few lines a chunk
        try:
            while True:
                process.stdin.write(block)
                feeding.set()
        except (BrokenPipeError, ValueError, OSError):
            pass
    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    first = process.stdout.readline()  # verdicts are being written
    assert json.loads(first) == {"line": 1, "outputs": {"d": 1}}
    process.send_signal(signal.SIGINT)
    rest, err = process.stdout.read(), process.stderr.read()
    process.wait(timeout=60)
    with contextlib_suppress():
        process.stdin.close()
    assert process.returncode == 130
    lines = (first + rest).decode("utf-8").split("\n")
    assert lines[-1] == "", "the output ends with a whole line"
    for number, line in enumerate(lines[:-1], 1):
        assert json.loads(line)["line"] == number
    assert err.decode().startswith("verdict: interrupted; the output holds the verdicts of the first ")
    assert err.decode().endswith(" line(s), each line whole\n") and "Traceback" not in err.decode()


def contextlib_suppress():
    import contextlib
    return contextlib.suppress(OSError, ValueError)


# ---------------------------------------------------------------------------- #9: one fact reader

def test_batch_refuses_duplicate_keys_as_facts_files_do(tmp_path):
    path = tmp_path / "n.rules"
    path.write_text("input n : integer\ndecision d : integer = n + 1\n", encoding="utf-8")
    got = _batch(engine.load_ruleset(path), b'{"n": 1, "n": 2}\n{"facts": {"n": 1, "n": 5}}\n{"n": 4}\n')
    assert [line.get("error") for line in got] == ["duplicate key `n`", "duplicate key `n`", None]
    facts = tmp_path / "dup.json"
    facts.write_text('{"n": 1, "n": 2}', encoding="utf-8")
    status, out, err = _cli(["eval", path, "--facts", facts])
    assert (status, out) == (2, "") and "duplicate key `n`" in err


# ---------------------------------------------------------------------------- 3. YAML 1.2 numbers

NUMBER_RULES = "input age : integer\ninput income : money\ndecision d : money = income + age * 1 €\n"


@pytest.fixture
def number_rules(tmp_path):
    path = tmp_path / "numbers.rules"
    path.write_text(NUMBER_RULES, encoding="utf-8")
    return path


def _facts_file(tmp_path, text: str) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_leading_zero_is_decimal_as_yaml_1_2_says(tmp_path, number_rules):
    status, out, err = _cli(["eval", number_rules, "--facts", _facts_file(tmp_path, "age: 010\nincome: 0100\n"),
                             "--format", "json", "--as-of", "2025-01-01"])
    assert status == 0, err
    assert json.loads(out)["outputs"] == {"d": "110.00"}


@pytest.mark.parametrize("written, message", [
    ("0x1F", "facts.yaml:1:6: error[fact-type]: facts file: `0x1F` is a hexadecimal number (31 in decimal digits); "
             "write numbers in decimal digits, or in quotes (\"0x1F\") if it is a text\n"),
    ("0b101", "`0b101` is a binary number (5 in decimal digits)"),
    ("0o17", "`0o17` is an octal number (15 in decimal digits)"),
])
def test_a_number_in_another_base_is_refused_with_a_hint(tmp_path, number_rules, written, message):
    status, out, err = _cli(["eval", number_rules, "--facts", _facts_file(tmp_path, f"age: {written}\nincome: 1\n")])
    assert (status, out) == (2, "") and message in err, err


@pytest.mark.parametrize("fact, written", [("age", "1:30"), ("income", "1:30.5")])
def test_sexagesimal_is_a_text_which_a_number_fact_refuses(tmp_path, number_rules, fact, written):
    other = "income: 1" if fact == "age" else "age: 1"
    status, out, err = _cli(["eval", number_rules, "--facts", _facts_file(tmp_path, f"{fact}: {written}\n{other}\n")])
    assert (status, out) == (2, "")
    assert f"fact `{fact}`: expected {'integer' if fact == 'age' else 'money'}, got '{written}' (not a number" in err


def test_example_cases_read_numbers_as_yaml_1_2(tmp_path, number_rules):
    from engine.testing import run_cases
    folder = tmp_path / "rs"
    (folder / "tests").mkdir(parents=True)
    (folder / "numbers.rules").write_text(NUMBER_RULES, encoding="utf-8")
    (folder / "tests" / "cases.yaml").write_text(
        "- name: leading zeros\n  as_of: 2025-01-01\n  facts: {age: 010, income: 0100}\n  expected: {d: 110}\n",
        encoding="utf-8")
    report = run_cases(folder)
    assert report.ok, report.render()


def test_the_shared_reader_reads_a_facts_document_from_text():
    from engine.facts.reader import read_facts_text
    assert read_facts_text("age: 010\nincome: 1.10\nwhen: 1:30\n", "body") == {
        "age": 10, "income": Decimal("1.10"), "when": "1:30"}
    with pytest.raises(VerdictError) as caught:
        read_facts_text("age: 0x1F\n", "body")
    assert str(caught.value.diagnostics[0].message).startswith("body: `0x1F` is a hexadecimal number")
    with pytest.raises(VerdictError) as caught:
        read_facts_text('name: "\\ud800"\n', "body")
    assert caught.value.diagnostics[0].message == (
        "body: the text `\\ud800` in `name` holds \\ud800, half of a UTF-16 pair and not a character; "
        "send the text as UTF-8")


# ---------------------------------------------------------------------------- 5. tiny exponents

from decimal import Decimal  # noqa: E402


@pytest.mark.parametrize("written", ["1e-100000000", '"1e-999999999999999999"', "0.1e-61"])
def test_a_number_with_too_many_places_is_refused_naming_the_fact(tmp_path, written):
    path = tmp_path / "n.rules"
    path.write_text("input n : number\ndecision d : number = n * 2\n", encoding="utf-8")
    status, out, err = _cli(["eval", path, "--facts", _facts_file(tmp_path, f"n: {written}\n")])
    assert (status, out) == (2, "")
    assert "fact `n`: expected number, got " in err and "(more than 60 decimal places)" in err, err


def test_a_number_with_too_many_digits_is_refused_naming_the_fact(tmp_path):
    path = tmp_path / "n.rules"
    path.write_text("input n : number\ndecision d : number = n\n", encoding="utf-8")
    with pytest.raises(VerdictError) as caught:
        engine.load_ruleset(path).evaluate({"n": "1" * 14 + "." + "1" * 47})
    assert caught.value.diagnostics[0].message.endswith("(more than 60 digits)")
    sixty = "1" * 14 + "." + "1" * 46
    assert engine.load_ruleset(path).evaluate({"n": sixty}).outputs["d"] == Decimal(sixty)


def test_a_zero_with_a_huge_exponent_is_plain_zero(tmp_path):
    path = tmp_path / "n.rules"
    path.write_text("input n : number\ndecision d : number = n + 1\n", encoding="utf-8")
    assert engine.load_ruleset(path).evaluate({"n": "0E+999999999"}).to_dict()["outputs"] == {"d": "1"}


# ---------------------------------------------------------------------------- 4. ruleset folders

from engine.errors import RuleError  # noqa: E402
from engine.ruleset_files import MAX_RULE_FILE_BYTES  # noqa: E402

GOOD_RULES = "input n : integer\ndecision d : integer = n + 1\n"


def _ruleset_folder(tmp_path) -> Path:
    folder = tmp_path / "rs"
    (folder / "messages").mkdir(parents=True)
    (folder / "a.rules").write_text(GOOD_RULES, encoding="utf-8")
    return folder


def _refusal(path) -> str:
    with pytest.raises(RuleError) as caught:
        engine.load_ruleset(path)
    diagnostics, _ = engine.ruleset.check_path(path)
    assert [d.message for d in diagnostics] == [d.message for d in caught.value.diagnostics]
    return "\n".join(d.message for d in caught.value.diagnostics)


@pytest.mark.parametrize("name", ["x.rules", "ruleset.yaml", "messages/en.yaml"])
def test_a_symbolic_link_out_of_the_folder_is_refused_and_never_shown(tmp_path, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret first line\n", encoding="utf-8")
    folder = _ruleset_folder(tmp_path)
    (folder / name).symlink_to(secret)
    message = _refusal(folder)
    assert message == f"{folder / name}: a symbolic link to a file outside the ruleset folder; it is not read"
    status, out, err = _cli(["check", folder])
    assert "secret" not in out + err and "copy the file into the folder" in out


def test_a_folder_of_messages_linked_from_outside_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "en.yaml").write_text("because: {}\n", encoding="utf-8")
    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / "a.rules").write_text(GOOD_RULES, encoding="utf-8")
    (folder / "messages").symlink_to(outside)
    assert "a symbolic link to a file outside the ruleset folder" in _refusal(folder)


def test_a_symbolic_link_inside_the_folder_is_read(tmp_path):
    folder = tmp_path / "rs"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "a.txt").write_text(GOOD_RULES, encoding="utf-8")
    (folder / "a.rules").symlink_to(folder / "src" / "a.txt")
    assert engine.load_ruleset(folder).evaluate({"n": 1}).outputs == {"d": 2}


def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path):
    folder = _ruleset_folder(tmp_path)
    (folder / "x.rules").symlink_to("/dev/zero")
    assert "x.rules: a symbolic link to a file outside the ruleset folder" in _refusal(folder)
    assert _refusal("/dev/zero") == "/dev/zero: a device, not a file"


@pytest.mark.parametrize("name", ["x.rules", "ruleset.yaml", "messages/en.yaml"])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path, name):
    folder = _ruleset_folder(tmp_path)
    os.mkfifo(folder / name)
    assert _refusal(folder) == f"{folder / name}: a named pipe, not a file"


@pytest.mark.parametrize("name", ["x.rules", "ruleset.yaml", "messages/en.yaml"])
def test_a_folder_where_a_file_belongs_is_a_diagnostic(tmp_path, name):
    folder = _ruleset_folder(tmp_path)
    (folder / name).mkdir()
    assert _refusal(folder) == f"{folder / name}: a folder, not a file"
    status, out, err = _cli(["eval", folder, "--facts", "-"])
    assert status == 2 and "internal error" not in err and f"{folder / name}: a folder, not a file" in err


@pytest.mark.parametrize("name", ["x.rules", "ruleset.yaml"])
def test_a_broken_symbolic_link_is_a_diagnostic(tmp_path, name):
    folder = _ruleset_folder(tmp_path)
    (folder / name).symlink_to(folder / "nowhere")
    assert _refusal(folder) == f"{folder / name}: a symbolic link to nothing (its target does not exist)"


def test_a_huge_file_is_refused_after_reading_one_byte_past_the_limit(tmp_path, monkeypatch):
    folder = _ruleset_folder(tmp_path)
    with open(folder / "x.rules", "wb") as file:
        file.truncate(9 * 10 ** 9)  # sparse: 9 GB that read_bytes() would try to hold
    asked = []
    real_fdopen = os.fdopen

    def counting_fdopen(*args, **kwargs):
        file = real_fdopen(*args, **kwargs)
        real_read = file.read

        class Counted:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                file.close()

            def fileno(self):
                return file.fileno()

            def read(self, size=-1):
                asked.append(size)
                return real_read(size)
        return Counted()
    monkeypatch.setattr(engine.ruleset_files.os, "fdopen", counting_fdopen)
    assert _refusal(folder).endswith(f"x.rules: the file is over {MAX_RULE_FILE_BYTES:,} bytes; the limit is "
                                     f"{MAX_RULE_FILE_BYTES:,}")
    assert set(asked) == {MAX_RULE_FILE_BYTES + 1}


def test_an_example_case_file_out_of_the_folder_is_not_read(tmp_path):
    from engine.testing import run_cases
    folder = _ruleset_folder(tmp_path)
    (folder / "tests").mkdir()
    (tmp_path / "secret.yaml").write_text("- the secret\n", encoding="utf-8")
    (folder / "tests" / "x.yaml").symlink_to(tmp_path / "secret.yaml")
    os.mkfifo(folder / "tests" / "p.yaml")
    report = run_cases(folder)
    text = report.render()
    assert not report.ok and "secret" not in text.replace(str(tmp_path), "")
    assert f"{folder / 'tests' / 'x.yaml'}: a symbolic link to a file outside the ruleset folder" in text
    assert f"{folder / 'tests' / 'p.yaml'}: a named pipe, not a file" in text


# ---------------------------------------------------------------------------- 6. compile what is asked

MANY_RULES = ("input n : integer\n" + "".join(f"decision x{i} : integer = n + {i}\n" for i in range(300))
              + "decision top : integer = x3 + x5\n")


def _generated(ruleset, day) -> list:
    """For each unit the program of `day` built: the numbers of the decisions it holds."""
    program = ruleset._fast.program(day)
    return [[j for j, fn in enumerate(functions) if fn is not None] for functions in program.built.values()]


def test_one_output_generates_only_the_decisions_it_reads(tmp_path):
    path = tmp_path / "many.rules"
    path.write_text(MANY_RULES, encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    day = dt.date(2025, 1, 1)
    assert ruleset.evaluate({"n": 1}, as_of=day, outputs=["top"], trace=False).outputs == {"top": 10}
    assert _generated(ruleset, day) == [[3, 5, 300]]
    assert ruleset.evaluate({"n": 1}, as_of=day, outputs=["top"]).to_dict()["outputs"] == {"top": 10}
    assert _generated(ruleset, day) == [[3, 5, 300], [3, 5, 300]]  # and its traced twin
    assert ruleset.decision_function("top", day)(n=2) == 12
    assert len(_generated(ruleset, day)) == 2


def test_after_several_partial_units_every_decision_is_generated_once(tmp_path):
    from engine.evaluation.fastpath import MAX_PARTIAL_UNITS
    path = tmp_path / "many.rules"
    path.write_text(MANY_RULES, encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    day = dt.date(2025, 1, 1)
    for k in range(MAX_PARTIAL_UNITS + 3):
        assert ruleset.evaluate({"n": 1}, as_of=day, outputs=[f"x{k}"], trace=False).outputs == {f"x{k}": 1 + k}
    sizes = [len(numbers) for numbers in _generated(ruleset, day)]
    assert sizes == [1] * MAX_PARTIAL_UNITS + [301]
    assert ruleset.evaluate({"n": 1}, as_of=day, trace=False).outputs["top"] == 10
    assert len(_generated(ruleset, day)) == MAX_PARTIAL_UNITS + 1


# ---------------------------------------------------------------------------- 7. the small points

def test_check_refuses_default_outputs_that_name_no_decision(tmp_path):
    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / "a.rules").write_text("input n : integer\ndecision total : integer = n + 1\n", encoding="utf-8")
    (folder / "ruleset.yaml").write_text("name: x\noutputs: [totl, total]\n", encoding="utf-8")
    status, out, err = _cli(["check", folder])
    assert status == 1
    assert out.startswith(f"{folder / 'ruleset.yaml'}:2:11: error[unknown-output]: `outputs` of ruleset.yaml "
                          f"names `totl`, which is not a decision\n")
    assert "did you mean `total`?" in out
    with pytest.raises(RuleError):
        engine.load_ruleset(folder)


def test_a_parameter_without_a_source_is_explained_without_none(tmp_path):
    path = tmp_path / "p.rules"
    path.write_text('input n : integer\nparameter rate : number "A rate" checked 2021-01-01\n'
                    "  from 2020-01-01 = 2\ndecision d : number = n * rate\n", encoding="utf-8")
    text = engine.load_ruleset(path).evaluate({"n": 3}, as_of="2025-01-01").explain()
    assert "None" not in text and "(source )" not in text
    assert "  figures  A rate: 2 (in force from 1\xa0January\xa02020)\n" in text
    assert ("  warning  A rate: this value was last checked on 1\xa0January\xa02021; as of 1\xa0January\xa02025 a "
            "newer figure\n           may apply.\n" in text)


def test_an_unknown_escape_in_a_text_is_an_error_with_a_hint(tmp_path):
    path = tmp_path / "u.rules"
    path.write_text('input n : integer "caf\\u00e9"\ndecision d : text = "a\\\\b\\"c"\n', encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        engine.load_ruleset(path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.message, diagnostic.span.line, diagnostic.span.column) == (
        "`\\u` is not an escape in a text", 1, 23)
    assert diagnostic.hint == ('the escapes are \\n (new line), \\t (tab), \\" and \\\\ (a backslash); '
                               "write any other character as itself")
    path.write_text('input n : integer\ndecision d : text = "a\\\\b\\"c\\td"\n', encoding="utf-8")
    assert engine.load_ruleset(path).evaluate({"n": 1}).outputs == {"d": 'a\\b"c\td'}


def test_list_outputs_are_lists_and_decision_functions_give_tuples_both_ways():
    ruleset = engine.load_ruleset(BUNDLED)
    facts = dict(WANG, birth_date=str(WANG["birth_date"]))
    assert type(ruleset.evaluate(facts, as_of="2025-09-01").outputs["enrolment_documents"]) is list
    assert type(ruleset.interpret(facts, as_of="2025-09-01").outputs["enrolment_documents"]) is list
    generated = ruleset.decision_function("enrolment_documents", "2025-09-01")
    interpreted = ruleset._fast._interpreted_function("enrolment_documents", dt.date(2025, 9, 1))
    arguments = {name: WANG[name] for name in generated.inputs}
    assert type(generated(**arguments)) is tuple and generated(**arguments) == interpreted(**arguments)
    assert "`list` for list decisions" in (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")


def test_an_unknown_output_lists_a_few_decisions_not_sixty_thousand(tmp_path):
    path = tmp_path / "many.rules"
    path.write_text(MANY_RULES, encoding="utf-8")
    with pytest.raises(VerdictError) as caught:
        engine.load_ruleset(path).evaluate({"n": 1}, outputs=["zzz"])
    assert caught.value.diagnostics[0].hint.endswith("x28, x29, … (271 more)")


@pytest.mark.parametrize("damage, message", [
    (lambda t: t["decisions"][0]["parameters"].append({"name": "p", "value": 1, "effective_from": "2020-01-01",
                                                       "display": "x"}),
     # format 2 renders no stored display: a stray field is only an edit, which the digest shows
     "its digest is not the digest of its content: the trace was changed after it was written"),
    (lambda t: t["decisions"][0]["sources"].append({"id": "s", "status": []}),
     "decision 1: `sources` must list objects with an `id` and texts"),
])
def test_a_malformed_trace_field_is_refused_by_read_trace(tmp_path, damage, message):
    from engine.trace.check import read_trace
    facts = dict(WANG, birth_date=str(WANG["birth_date"]))
    trace = engine.load_ruleset(BUNDLED).evaluate(facts, as_of="2025-09-01").to_dict()
    trace = json.loads(json.dumps(trace))
    trace["decisions"][0].setdefault("parameters", [])
    trace["decisions"][0].setdefault("sources", [])
    damage(trace)
    with pytest.raises(VerdictError) as caught:
        read_trace(json.dumps(trace))
    assert caught.value.diagnostics[0].message == f"trace: {message}"
    saved = tmp_path / "t.json"
    saved.write_text(json.dumps(trace), encoding="utf-8")
    status, out, err = _cli(["explain", saved])
    assert (status, out) == (2, "") and message in err and "internal" not in err


def test_through_the_api_a_lone_surrogate_or_a_huge_int_is_refused_in_our_words(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text("input t : text\ninput n : integer\ndecision d : text = t\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    assert ruleset.evaluate({"t": "café", "n": 1}).outputs == {"d": "café"}
    messages = []
    for facts in ({"t": "a\udfffb", "n": 1}, {"t": "x", "n": 10 ** 5000}, {"t": "x", "n": 1, 10 ** 5000: 1},
                  {"t": "x", "n": 1, "\ud800": 1}):
        with pytest.raises(VerdictError) as caught:
            ruleset.evaluate(facts)
        messages.append(caught.value.diagnostics[0].message)
    assert messages == [
        "fact `t`: expected text, got 'a\\\\udfffb' (it holds half of a UTF-16 pair, not a character)",
        "fact `n`: expected integer, got a whole number of over 4,000 digits (larger than 1,000,000,000,000,000)",
        "unknown fact `a whole number of over 4,000 digits`",
        "unknown fact `\\ud800`",
    ]
