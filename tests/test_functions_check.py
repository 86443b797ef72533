"""The checker analyses a function's table as a decision's (its parameters' declared types and
ranges are its columns' domains), or says in a note which it cannot and why."""
from engine.ruleset import check_path

RULES = """\
type Color = {red, green, blue}
input age : integer 0..130
input c : Color
input tags : list of text

parameter limit : integer
  from 2020-01-01 = 40

function gappy(a: integer 0..130, k: Color) : integer
  | a       | k           || gappy
  | <= 29   | red         || 1
  | 20..60  | -           || 2
  | > limit | {red, blue} || 3

function masked(a: integer 0..130) : integer hit first
  | a      || masked
  | >= 0   || 1
  | 10..20 || 2

function bounded(a: integer, b: integer) : integer
  | a      || bounded
  | <= b   || 1
  | > b    || 2

function listy(t: list of text) : integer
  | t            || listy
  | contains "x" || 1
  | otherwise    || 0

function whole(a: integer 0..130) : integer
  | a      || whole
  | <= 64  || 1
  | >= 65  || 2

decision d1 : integer = gappy(age, c) + masked(age) + bounded(age, 3) + listy(tags) + whole(age)
"""


def test_function_tables_get_gaps_overlaps_masked_rows_and_notes_at_their_lines(tmp_path):
    path = tmp_path / "c.rules"
    path.write_text(RULES, encoding="utf-8")
    diagnostics, _ = check_path(path)
    assert [(d.span.line, d.span.column, d.severity, d.code, d.message) for d in diagnostics] == [
        (9, 10, "warning", "gap", "no rule of `gappy` matches a <= 19 and k in {green, blue} (from 2020-01-01); "
                                  "for example a = 0, k = green"),
        (9, 10, "warning", "gap", "no rule of `gappy` matches a >= 61 and k = green (from 2020-01-01); "
                                  "for example a = 61, k = green"),
        (12, 3, "error", "overlap", "rows gappy#1 (line 11) and gappy#2 (line 12) of `gappy` both match a = 20, "
                                    "k = red (from 2020-01-01)"),
        (13, 3, "error", "overlap", "rows gappy#2 (line 12) and gappy#3 (line 13) of `gappy` both match a = 41, "
                                    "k = red (from 2020-01-01)"),
        (18, 3, "warning", "masked-rule", "row masked#2 of `masked` can never fire: earlier rows masked#1 (line 17) "
                                          "match every input it matches"),
        (22, 5, "note", "not-analysed", "function `bounded` is not checked for gaps and overlaps: the test `<= b` of "
                                        "column `a` compares with its parameter `b`, whose value only a call gives"),
        (26, 5, "note", "not-analysed", "`listy` is not checked for gaps and overlaps: its column `t` holds a list "
                                        "(list of text), and the checker analyses columns of single values"),
    ]


def test_a_parameter_range_is_the_domain_not_an_input_of_the_same_name(tmp_path):
    # the input `a` runs over 0..200, the parameter `a` over 0..130: rows up to 130 leave no gap
    path = tmp_path / "d.rules"
    path.write_text("input a : integer 0..200\n\nfunction f(a: integer 0..130) : integer\n  | a || f\n"
                    "  | <= 64 || 1\n  | 65..130 || 2\n\ndecision d : integer = f(if a > 130 then 130 else a)\n",
                    encoding="utf-8")
    diagnostics, _ = check_path(path)
    assert diagnostics == []
    path.write_text("input a : integer 0..200\n\nfunction f(a: integer) : integer\n  | a || f\n"
                    "  | <= 64 || 1\n  | 65..130 || 2\n\ndecision d : integer = f(a)\n", encoding="utf-8")
    diagnostics, _ = check_path(path)
    assert [(d.span.line, d.message) for d in diagnostics] == [
        (3, "no rule of `f` matches a >= 131; for example a = 131")]
