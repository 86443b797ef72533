"""verdict fmt: exact layouts, the command's exit codes, and the properties (idempotent, same AST,
same verdicts) on every bundled rule file and on random rule files written carelessly."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import ast
from engine.cli import main
from engine.errors import RuleSyntaxError
from engine.fmt import display_width, format_text
from engine.syntax.parse import parse

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = sorted((ROOT / "rulesets").rglob("*.rules"))

MESSY = """\


# Participation, by age   
type Status = {participation, 学生}
type   Territory   =   {metropole, outre_mer}   # where

input   css_status : Status   "Status"
input age:integer 0..130 default 30 "Age"
decision   css_participation : money "Monthly   participation" hit unique  source ameli_css   # trailing
  | css_status    | age    || css_participation | because
  |:--|--||--|--
  | participation | <= 29  || 8 €               | "Aged {age}: 8 € a month."


      # ages 30 to 49
 | participation|30..49||14 € |
  | 学生 | >= 50 || 21 €     | "学生 pay 21 €"  # row comment
  | 学生 | < 50 || 0 € | |



parameter fee : money "Fee" source s1 checked 2024-12-22

  from 2017-05-01 = 25 €      source s2        # SECONDARY
    from 2023-11-01 =   26.50 €   source s3
  from 2024-12-22 = 30 €   # OFFICIAL
"""

FORMATTED = """\
# Participation, by age
type Status    = {participation, 学生}
type Territory = {metropole, outre_mer}  # where

input css_status : Status                    "Status"
input age        : integer 0..130 default 30 "Age"
decision css_participation : money "Monthly   participation" hit unique source ameli_css  # trailing
  | css_status    | age    || css_participation | because
  |:--------------|--------||-------------------|---------
  | participation | <= 29  || 8 €               | "Aged {age}: 8 € a month."
  # ages 30 to 49
  | participation | 30..49 || 14 €
  | 学生          | >= 50  || 21 €              | "学生 pay 21 €"  # row comment
  | 学生          | < 50   || 0 €

parameter fee : money "Fee" source s1 checked 2024-12-22
  from 2017-05-01 = 25 €    source s2  # SECONDARY
  from 2023-11-01 = 26.50 € source s3
  from 2024-12-22 = 30 €               # OFFICIAL
"""


def test_a_careless_file_is_laid_out_one_way():
    assert format_text(MESSY, "m.rules") == FORMATTED


def test_display_width_counts_wide_characters_twice_and_combining_marks_not_at_all():
    assert [display_width(t) for t in ("学生", "8 €", "e\u0301", "abc")] == [4, 3, 1, 3]


def test_closed_rows_keep_their_closing_pipe_and_pad_the_last_column():
    text = "input x : integer\ndecision d : integer\n| x || d |\n|---|---|\n| 1 || 22 |\n| otherwise || 3 |\n"
    assert format_text(text) == ("input x : integer\ndecision d : integer\n"
                                 "  | x         || d  |\n"
                                 "  |-----------||----|\n"
                                 "  | 1         || 22 |\n"
                                 "  | otherwise || 3  |\n")


def test_pipes_and_hashes_in_quoted_text_are_kept():
    text = ('input x : integer\ndecision d : text\n  | x || d | because\n'
            '  | 1 || "a | b" | "see # 3 | here"\n  | otherwise || "c" |\n')
    assert format_text(text).splitlines()[3] == '  | 1         || "a | b" | "see # 3 | here"'


def test_a_syntax_error_is_the_one_check_reports():
    with pytest.raises(RuleSyntaxError) as error:
        format_text("input x : integer\ndecision d : integer\n  | x || d\n  | 1 || 2 +\n", "bad.rules")
    assert error.value.diagnostics[0].span.location() == "bad.rules:4:12"


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_files_format_to_the_same_rules_and_a_fixed_point(path):
    text = path.read_text(encoding="utf-8")
    once = format_text(text, str(path))
    assert format_text(once, str(path)) == once
    assert ast.shape(parse(once, str(path))) == ast.shape(parse(text, str(path)))


# ============================================================================ the command

def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fmt_check_lists_the_files_and_exits_1_then_0_once_formatted(tmp_path, capsys):
    messy = tmp_path / "m.rules"
    messy.write_text(MESSY, encoding="utf-8")
    (tmp_path / "ok.rules").write_text("input x : integer\n", encoding="utf-8")
    assert _run(capsys, "fmt", str(tmp_path), "--check") == (
        1, f"would reformat {messy}\n1 of 2 file(s) would be reformatted\n", "")
    assert messy.read_text(encoding="utf-8") == MESSY
    assert _run(capsys, "fmt", str(tmp_path)) == (0, f"reformatted {messy}\n1 of 2 file(s) reformatted\n", "")
    assert messy.read_text(encoding="utf-8") == FORMATTED
    assert _run(capsys, "fmt", str(messy), "--check") == (0, "0 of 1 file(s) would be reformatted\n", "")


def test_fmt_diff_prints_a_unified_diff_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "d.rules"
    path.write_text("input   x : integer\n", encoding="utf-8")
    code, out, _ = _run(capsys, "fmt", str(path), "--diff")
    assert code == 0
    assert out == (f"--- {path}\n+++ {path}\t(formatted)\n@@ -1 +1 @@\n-input   x : integer\n+input x : integer\n")
    assert path.read_text(encoding="utf-8") == "input   x : integer\n"


def test_fmt_exit_status_of_each_mode_is_as_docs_editors_md_says(tmp_path, capsys):
    """--diff exits 0 even when there are changes; --check (with --diff or not) exits 1 then."""
    path = tmp_path / "d.rules"
    path.write_text("input   x : integer\n", encoding="utf-8")
    assert _run(capsys, "fmt", str(path), "--diff")[0] == 0
    code, out, _ = _run(capsys, "fmt", str(path), "--check", "--diff")
    assert code == 1 and out.startswith(f"--- {path}\n") and out.endswith("1 of 1 file(s) would be reformatted\n")
    assert path.read_text(encoding="utf-8") == "input   x : integer\n"
    assert _run(capsys, "fmt", str(path))[0] == 0
    assert _run(capsys, "fmt", str(path), "--check", "--diff") == (0, "0 of 1 file(s) would be reformatted\n", "")
    assert _run(capsys, "fmt", str(path), "--diff") == (0, "", "")


def test_fmt_refuses_a_file_with_a_syntax_error_and_writes_nothing(tmp_path, capsys):
    good, bad = tmp_path / "a.rules", tmp_path / "b.rules"
    good.write_text("input   x : integer\n", encoding="utf-8")
    bad.write_text("input y : integer\ndecision d : integer = y +\n", encoding="utf-8")
    code, out, err = _run(capsys, "fmt", str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith(f"{bad}:2:27: error[syntax]: unexpected end of the line")
    assert "2 | decision d : integer = y +" in err
    assert good.read_text(encoding="utf-8") == "input   x : integer\n"


def test_fmt_of_a_missing_path(tmp_path, capsys):
    assert _run(capsys, "fmt", str(tmp_path / "nope")) == (
        2, "", f"error[not-found]: {tmp_path / 'nope'}: no such file or folder\n")


def test_check_suggest_write_merges_rows_and_formats(tmp_path, capsys):
    path = tmp_path / "t.rules"
    path.write_text("input age : integer 0..130\ndecision band : integer hit unique\n"
                    "  | age || band\n  | <= 29 || 1\n  | 30..49 || 2\n  | 50..59 || 2\n  | >= 60 || 3\n",
                    encoding="utf-8")
    assert _run(capsys, "check", str(path), "--suggest", "--write") == (0, f"merged rows in {path}\n", "")
    assert path.read_text(encoding="utf-8") == (
        "input age : integer 0..130\ndecision band : integer hit unique\n"
        "  | age    || band\n  | <= 29  || 1\n  | 30..59 || 2\n  | >= 60  || 3\n")
    assert _run(capsys, "check", str(path), "--suggest", "--write") == (0, "no table can be simplified\n", "")


def test_write_without_suggest_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "t.rules"
    path.write_text("input x : integer\n", encoding="utf-8")
    code, _, err = _run(capsys, "check", str(path), "--write")
    assert code == 2 and "--write goes with --suggest" in err


# ============================================================================ properties

_BLANKS = st.sampled_from(["", " ", "  ", "\t", "   "])
_TESTS = st.one_of(st.just("-"), st.integers(0, 9).map(lambda n: f"<= {n}"),
                   st.integers(0, 9).map(lambda n: f">{n}"), st.integers(0, 9).map(str),
                   st.tuples(st.integers(0, 4), st.integers(5, 9)).map(lambda t: f"{t[0]}..{t[1]}"))
_COLOUR_TESTS = st.sampled_from(["{红, green}", "not 红", "green", "-", "红"])
_OUTPUTS = st.one_of(st.integers(0, 99).map(lambda n: f"{n} €"), st.integers(0, 9).map(lambda n: f"{n} € + 1 €"))
_BECAUSE = st.sampled_from(["", '"x is {x}"', '"学生: {y} €"', '"a | b # c"', "plain words"])


@st.composite
def careless_rule_files(draw):
    """A small ruleset with its spaces, pipes, blank lines and comments chosen at random."""
    b = lambda: draw(_BLANKS)  # noqa: E731
    lines = [f"{b()}type{b()} Colour = {{红, green}}{b()}",
             f"input{b()} x :{b()}integer{b()}",
             f"{b()}input y : integer 0..9 \"y\"",
             f"input c : Colour{b()}" + draw(st.sampled_from(["", "  # the colour"]))]
    lines += [""] * draw(st.integers(0, 2))
    lines.append(f"decision d : money hit first{b()}")
    closed = draw(st.booleans())
    end = lambda: f"{b()}|" if closed else b()  # noqa: E731
    lines.append(f"{b()}|{b()}x |{b()}y| c{b()}||{b()}d{b()}| because{end()}")
    if draw(st.booleans()):
        lines.append(f"  |---|---|--||----|---{'|' if closed else ''}")
    for _ in range(draw(st.integers(1, 5))):
        cells = [draw(_TESTS), draw(_TESTS), draw(_COLOUR_TESTS)]
        because = draw(_BECAUSE)
        row = f"{b()}|{b()}" + f"{b()}|{b()}".join(cells) + f"{b()}||{b()}{draw(_OUTPUTS)}{b()}"
        row += f"|{b()}{because}{end()}" if because or closed else ""
        lines.append(row + draw(st.sampled_from(["", "  # note", " #n"])))
        lines += draw(st.lists(st.sampled_from(["", "   # between rows"]), max_size=2))
    lines.append(f"  | otherwise | - | - || 1 €{end()}")
    lines.append("")
    lines.append(f"parameter p : integer{b()}")
    lines.append(f"{b()}from 2020-01-01{b()} = {b()}1{b()}" + draw(st.sampled_from(["", " source s", " # one"])))
    lines.append(f"  from 2024-01-01 ={b()}{draw(st.integers(2, 9))}" + draw(st.sampled_from(["", " source s"])))
    lines.append(f"decision e : integer = p + x{b()}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "\n\n\n", ""]))


_FACTS = st.fixed_dictionaries({"x": st.integers(-3, 12), "y": st.integers(0, 9), "c": st.sampled_from(["红", "green"])})


def _verdicts(text: str, facts_list: list) -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.rules"
        path.write_text(text, encoding="utf-8")
        ruleset = engine.load_ruleset(str(path))
        return [dict(ruleset.evaluate(facts, as_of="2025-06-01").outputs) for facts in facts_list]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(careless_rule_files(), st.lists(_FACTS, min_size=1, max_size=4))
def test_formatting_is_idempotent_and_changes_no_verdict(text, facts_list):
    once = format_text(text, "r.rules")
    assert format_text(once, "r.rules") == once
    assert ast.shape(parse(once, "r.rules")) == ast.shape(parse(text, "r.rules"))
    assert _verdicts(once, facts_list) == _verdicts(text, facts_list)


def _respaced(line: str, rng) -> str:
    """The line with random blanks where blanks mean nothing: around pipes, between words outside
    quoted text, before a comment, as indentation and at the end. Cell texts are left alone."""
    from engine.fmt.layout import split_comment
    from engine.syntax.parse import quoted_mask
    stripped = line.strip(" ")
    in_table = stripped.startswith("|")
    code, comment = split_comment(stripped, in_table=in_table)
    pad = lambda: " " * rng.randint(0, 3)  # noqa: E731
    out, index, mask = [], 0, quoted_mask(code)
    while index < len(code):
        char = code[index]
        if mask[index]:
            out.append(char)
        elif in_table and char == "|":
            bar = "||" if code[index:index + 2] == "||" else "|"
            out.append(pad() + bar + pad())
            index += len(bar) - 1
        elif not in_table and char == " ":
            out.append(" " * rng.randint(1, 3))
        else:
            out.append(char)
        index += 1
    tail = (" " * rng.randint(1, 3) + comment) if comment and code else comment
    return " " * rng.randint(0, 4) + "".join(out) + tail + pad()


@pytest.mark.parametrize("name", ["css.rules", "care.rules", "inputs.rules"])
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False))
def test_blanks_where_they_mean_nothing_do_not_change_the_layout(name, rng):
    text = (ROOT / "rulesets" / "student_health" / name).read_text(encoding="utf-8")
    respaced = "\n".join(_respaced(line, rng) if line.strip() else line for line in text.split("\n"))
    assert format_text(respaced, name) == format_text(text, name)


def test_the_bundled_rule_files_are_as_fmt_writes_them():
    """`verdict fmt --check rulesets/` passes: the examples editors copy are laid out as fmt lays them out."""
    from engine.fmt import format_text
    changed = [path.name for path in BUNDLED if format_text(path.read_text(encoding="utf-8")) != path.read_text(encoding="utf-8")]
    assert changed == []


def test_a_column_of_long_texts_and_the_columns_after_it_are_not_padded():
    from engine.fmt import format_text
    long = '"' + "a sentence long enough to be a because text" + '"'
    text = ("input n : integer\n"
            "decision d : integer hit first\n"
            "  | n || d | because | id\n"
            f"  | <= 1 || 1 | {long} | small\n"
            "  | otherwise || 22 | \"short\" | big\n")
    assert format_text(text).splitlines()[2:] == [
        "  | n         || d  | because | id",
        f"  | <= 1      || 1  | {long} | small",
        "  | otherwise || 22 | \"short\" | big"]
    wide_test = "{" + ", ".join(f"c{i}" for i in range(15)) + "}"  # a wide test, not a text: still aligned
    text = ("type C = {" + ", ".join(f"c{i}" for i in range(16)) + "}\ninput c : C\n"
            "decision e : integer hit first\n"
            f"  | c || e | id\n  | {wide_test} || 1 | one\n  | otherwise || 2 | two\n")
    assert format_text(text).splitlines()[3:] == [
        "  | c" + " " * (len(wide_test) - 1) + " || e | id",
        f"  | {wide_test} || 1 | one",
        "  | otherwise" + " " * (len(wide_test) - 9) + " || 2 | two"]
