"""The exit-status table of the README (and docs/errors.md): the CLI obeys every cell of it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
TABLE = re.compile(r"<!-- exit-codes -->\n(.*?)<!-- /exit-codes -->", re.S)

RULES = """\
type Band = {low, high}
input n : integer
decision band : Band hit first
  | n     || band
  | <= 10 || low
  | > 10  || high
"""


def table(path: Path) -> str:
    return TABLE.search(path.read_text(encoding="utf-8")).group(1)


def cells() -> list:
    """(command, exit status) of every cell of the README's table that is not `—`."""
    found = []
    for line in table(ROOT / "README.md").splitlines()[2:]:
        command, *outcomes = [c.strip() for c in line.strip("|").split("|")]
        for status, text in enumerate(outcomes):
            if text != "—":
                found.append((command.strip("`"), status))
    return found


def test_the_readme_and_errors_md_have_the_same_table():
    assert table(ROOT / "README.md") == table(ROOT / "docs" / "errors.md")


@pytest.fixture
def ws(tmp_path):
    rules = tmp_path / "rs"
    rules.mkdir()
    (rules / "b.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "bad.rules").write_text("decision x\n", encoding="utf-8")
    (tmp_path / "warn.rules").write_text(RULES + "input unused : integer\n", encoding="utf-8")
    (tmp_path / "f.yaml").write_text("n: 3\n", encoding="utf-8")
    (tmp_path / "unknown.yaml").write_text("m: 3\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("{}\n", encoding="utf-8")
    (tmp_path / "good.jsonl").write_text('{"n": 1}\n{"n": 20}\n', encoding="utf-8")
    (tmp_path / "mixed.jsonl").write_text('{"n": 1}\n{"n": "x"}\n', encoding="utf-8")
    cases = rules / "tests"
    cases.mkdir()
    (cases / "c.yaml").write_text("- name: low\n  as_of: 2025-06-01\n  facts: {n: 3}\n  expected: {band: low}\n",
                                  encoding="utf-8")
    failing = tmp_path / "failing"
    failing.mkdir()
    (failing / "b.rules").write_text(RULES, encoding="utf-8")
    (failing / "tests").mkdir()
    (failing / "tests" / "c.yaml").write_text(
        "- name: wrong\n  as_of: 2025-06-01\n  facts: {n: 3}\n  expected: {band: high}\n", encoding="utf-8")
    changed = tmp_path / "changed" / "rs"  # the same ruleset name, other rules
    changed.mkdir(parents=True)
    (changed / "b.rules").write_text(RULES.replace("<= 10", "<= 2").replace("> 10", "> 2"), encoding="utf-8")
    return tmp_path


def trace_file(ws, capsys, name="t.json", sign=None) -> Path:
    argv = ["eval", str(ws / "rs"), "--facts", str(ws / "f.yaml"), "--as-of", "2025-06-01", "--format", "json"]
    if sign:
        argv += ["--sign", str(sign)]
    assert main(argv) == 0
    path = ws / name
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def scenario(command: str, status: int, ws: Path, capsys) -> list:
    """The argv of a run of `command` that must exit with `status`."""
    rs, as_of = str(ws / "rs"), ["--as-of", "2025-06-01"]
    if command == "check":
        return [["check", rs], ["check", str(ws / "bad.rules")], ["check", str(ws / "nowhere")]][status]
    if command == "eval --facts":
        return [["eval", rs, "--facts", str(ws / "f.yaml"), *as_of],
                ["eval", rs, "--facts", str(ws / "empty.yaml"), *as_of],
                ["eval", rs, "--facts", str(ws / "unknown.yaml"), *as_of]][status]
    if command == "eval --batch":
        return [["eval", rs, "--batch", str(ws / "good.jsonl"), "--jobs", "1", *as_of],
                ["eval", rs, "--batch", str(ws / "mixed.jsonl"), "--jobs", "1", *as_of],
                ["eval", rs, "--batch", str(ws / "nowhere.jsonl"), *as_of]][status]
    if command == "test":
        return [["test", rs], ["test", str(ws / "failing")], ["test", str(ws / "nowhere")]][status]
    if command in ("explain", "verify", "replay"):
        good = trace_file(ws, capsys)
        edited = ws / "edited.json"
        edited.write_text(good.read_text(encoding="utf-8").replace('"n": 3', '"n": 4'), encoding="utf-8")
        if command == "explain":
            return [["explain", str(good)], None, ["explain", str(edited)]][status]
        if command == "verify":
            return [["verify", str(good)], ["verify", str(edited)], ["verify", str(ws / "f.yaml")]][status]
        return [["replay", str(good), rs], ["replay", str(good), str(ws / "changed" / "rs")],
                ["replay", str(edited), rs]][status]
    if command == "fmt":
        messy = ws / "messy.rules"
        messy.write_text(RULES.replace("| n     || band", "| n || band"), encoding="utf-8")
        return [["fmt", str(messy)], ["fmt", "--check", str(ws / "warn.rules").replace("warn", "messy")],
                ["fmt", str(ws / "bad.rules")]][status]
    if command == "keygen":
        (ws / "taken.pem").write_text("x", encoding="utf-8")
        return [["keygen", str(ws / "new.pem")], None, ["keygen", str(ws / "taken.pem")]][status]
    if command == "dmn import":
        return [["dmn", "import", str(ROOT / "tests" / "dmn" / "policies.dmn"), "-o", str(ws / "out.rules")], None,
                ["dmn", "import", str(ws / "f.yaml")]][status]
    if command == "dmn export":
        return [["dmn", "export", rs, "--as-of", "2025-06-01", "-o", str(ws / "out.dmn")], None,
                ["dmn", "export", str(ws / "bad.rules")]][status]
    if command == "serve":
        return [None, None, ["serve", str(ws / "nowhere")]][status]
    raise AssertionError(f"no scenario for `{command}`")


@pytest.mark.parametrize("command, status", cells(), ids=[f"{c}-{s}" for c, s in cells()])
def test_the_cli_obeys_the_exit_status_table(command, status, ws, capsys):
    argv = scenario(command, status, ws, capsys)
    if argv is None:
        pytest.skip("a state a test cannot reach quickly (a server that stops)")
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == status, (argv, out, err)
    if status == 2:
        assert out == "" and err.startswith(("error", "/")), (argv, out, err)


def test_strict_check_exits_1_on_warnings(ws, capsys):
    assert main(["check", str(ws / "warn.rules")]) == 0
    assert main(["check", "--strict", str(ws / "warn.rules")]) == 1
