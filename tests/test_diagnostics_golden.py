"""Golden diagnostics: one bad input per kind of error, and the exact message a policy editor sees.

tests/diagnostics/ holds, per kind:

  <kind>.rules                      a bad rule file: the output of `verdict check <kind>.rules`
  <kind>/                           a bad ruleset folder: the output of `verdict check <kind>`
  <kind>.facts.yaml                 bad facts (or facts that make evaluation fail): the output of
                                    `verdict eval <kind>.rules --facts <kind>.facts.yaml`, with
                                    facts.rules when there is no <kind>.rules; the date is 2025-06-01
                                    unless the first line says `# as-of: YYYY-MM-DD`
  <kind>.expected                   the command, what it printed, and its exit status

To rewrite the .expected files after an intended change of a message, run
`VERDICT_REGEN=1 pytest tests/test_diagnostics_golden.py` (or `--regen-golden`) and review the diff.
docs/errors.md quotes these files; each kind must be documented there.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from engine import cli

HERE = Path(__file__).resolve().parent
DIAGNOSTICS = HERE / "diagnostics"
ERRORS_DOC = HERE.parent / "docs" / "errors.md"
DEFAULT_AS_OF = "2025-06-01"
SHARED_RULES = "facts.rules"


def kinds() -> list[str]:
    found = set()
    for path in DIAGNOSTICS.iterdir():
        name = path.name
        if path.is_dir():
            found.add(name)
        elif name.endswith(".facts.yaml"):
            found.add(name[:-len(".facts.yaml")])
        elif name.endswith(".rules") and name != SHARED_RULES:
            found.add(name[:-len(".rules")])
    return sorted(found)


def command(kind: str) -> list[str]:
    facts = DIAGNOSTICS / f"{kind}.facts.yaml"
    if facts.exists():
        rules = f"{kind}.rules" if (DIAGNOSTICS / f"{kind}.rules").exists() else SHARED_RULES
        first_line = facts.read_bytes().split(b"\n", 1)[0].decode("utf-8", errors="replace")
        match = re.match(r"#\s*as-of:\s*(\d{4}-\d{2}-\d{2})", first_line)
        as_of = match.group(1) if match else DEFAULT_AS_OF
        return ["eval", rules, "--facts", facts.name, "--as-of", as_of]
    if (DIAGNOSTICS / kind).is_dir():
        return ["check", kind]
    return ["check", f"{kind}.rules"]


def run(kind: str) -> tuple[str, str, int, str]:
    """(stdout, stderr, exit status, the rendered .expected text) of the kind's command."""
    argv = command(kind)
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(DIAGNOSTICS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(argv)
    finally:
        os.chdir(cwd)
    shown = "$ verdict " + " ".join(argv) + "\n" + out.getvalue() + err.getvalue()
    if not shown.endswith("\n"):
        shown += "\n"
    return out.getvalue(), err.getvalue(), status, shown + f"(exit status {status})\n"


@pytest.fixture
def regen(request) -> bool:
    try:
        option = bool(request.config.getoption("--regen-golden"))
    except ValueError:  # the option is declared in conftest.py; without it, the variable alone
        option = False
    return option or os.environ.get("VERDICT_REGEN") == "1" or os.environ.get("VERDICT_REGEN_GOLDEN") == "1"


@pytest.mark.parametrize("kind", kinds())
def test_diagnostic_message_is_as_expected(kind, regen):
    stdout, stderr, status, shown = run(kind)
    expected_path = DIAGNOSTICS / f"{kind}.expected"
    if regen or not expected_path.exists():
        expected_path.write_text(shown, encoding="utf-8", newline="\n")
        if not regen:
            pytest.fail(f"{expected_path.name} did not exist; written, review it")
    assert shown == expected_path.read_text(encoding="utf-8"), \
        f"the message for {kind} changed; if intended, regenerate with VERDICT_REGEN=1 and review the diff"


@pytest.mark.parametrize("kind", kinds())
def test_each_kind_is_reported_as_a_diagnostic_never_a_crash(kind):
    stdout, stderr, status, shown = run(kind)
    assert "Traceback" not in shown and "internal error" not in shown
    assert re.search(r"(error|warning)\[[a-z-]+\]", shown), shown
    if command(kind)[0] == "eval" and status == 1:
        # a partial verdict: what can be answered is printed, and stderr says what could not be
        assert stdout and "incomplete verdict" in stderr, shown
    elif command(kind)[0] == "eval":
        assert status == 2, shown
        assert stdout == "", "nothing may be printed on stdout when evaluation fails"
    elif re.search(r"error\[", shown):
        assert status == 1, shown
    else:
        assert status == 0, shown  # warnings only


@pytest.mark.parametrize("kind", kinds())
def test_each_kind_is_documented(kind):
    assert ERRORS_DOC.exists(), "docs/errors.md is missing"
    assert f"`{kind}`" in ERRORS_DOC.read_text(encoding="utf-8"), f"docs/errors.md does not describe `{kind}`"


def test_positions_survive_crlf_bom_and_tabs():
    """Line ends, a byte-order mark and tabs do not shift the reported line and column."""
    assert "position-crlf.rules:3:32:" in run("position-crlf")[3]
    assert "position-bom.rules:1:13:" in run("position-bom")[3]
    assert "position-tabs.rules:3:39:" in run("position-tabs")[3]
    assert "encoding.rules:1:29: error[syntax]: byte 0xc2 is not UTF-8" in run("encoding")[3]


GOLDEN_BLOCK = re.compile(r"(<!-- golden: (?P<kind>[\w-]+) -->\n```text\n)(?P<body>.*?)(\n```)", re.S)


def test_the_examples_in_errors_md_are_the_golden_files(regen):
    """Each example in docs/errors.md marked `<!-- golden: KIND -->` is KIND.expected, verbatim.
    With VERDICT_REGEN=1 the examples are rewritten from the golden files."""
    doc = ERRORS_DOC.read_text(encoding="utf-8")
    blocks = list(GOLDEN_BLOCK.finditer(doc))
    assert blocks, "docs/errors.md has no golden examples"

    def expected(kind: str) -> str:
        return (DIAGNOSTICS / f"{kind}.expected").read_text(encoding="utf-8").rstrip("\n")

    if regen:
        doc = GOLDEN_BLOCK.sub(lambda m: m.group(1) + expected(m.group("kind")) + m.group(4), doc)
        ERRORS_DOC.write_text(doc, encoding="utf-8")
        blocks = list(GOLDEN_BLOCK.finditer(doc))
    for block in blocks:
        assert block.group("body") == expected(block.group("kind")), \
            f"the example of `{block.group('kind')}` in docs/errors.md differs from its golden file"
    assert {b.group("kind") for b in blocks} == set(kinds())


SECTION = re.compile(r"^### `(?P<kind>[\w-]+)`\n\n(?P<first>[^\n]*)\n", re.M)
PRINTED = re.compile(r"(?:error|warning)\[[a-z-]+\]")


def printed_codes(kind: str) -> list[str]:
    """`error[code]`/`warning[code]` as KIND.expected prints them, in the order they first appear."""
    seen: list[str] = []
    for code in PRINTED.findall((DIAGNOSTICS / f"{kind}.expected").read_text(encoding="utf-8")):
        if code not in seen:
            seen.append(code)
    return seen


def test_a_section_not_named_after_its_code_says_the_code_printed():
    """Searching docs/errors.md for a printed `error[code]` lands on the sections that show it: a
    section whose name is not its code starts with "Printed as `error[code]`." (the anchor keeps
    the section's name); and the table of codes lists every section of each code."""
    doc = ERRORS_DOC.read_text(encoding="utf-8")
    sections = {m.group("kind"): m.group("first") for m in SECTION.finditer(doc)}
    assert set(sections) == set(kinds())
    table: dict[str, set[str]] = {}
    for row in re.finditer(r"^\| `([a-z-]+)` \| ((?:\[`[\w-]+`\]\(#[\w-]+\)(?:, )?)+) \|$", doc, re.M):
        table[row.group(1)] = set(re.findall(r"\[`([\w-]+)`\]", row.group(2)))
    by_code: dict[str, set[str]] = {}
    for kind, first in sections.items():
        codes = printed_codes(kind)
        names = {re.sub(r"^\w+\[|\]$", "", c) for c in codes}
        if names == {kind}:
            assert not first.startswith("Printed as"), kind
        else:
            assert first == "Printed as " + " and ".join(f"`{c}`" for c in codes) + ".", \
                f"the section `{kind}` of docs/errors.md does not begin with the code it prints: {codes}"
        for name in names:
            by_code.setdefault(name, set()).add(kind)
    assert table == by_code
