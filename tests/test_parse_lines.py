"""The one-line declarations read by hand (engine/syntax/lines.py) give exactly what Lark gives:
the same declarations, spans included, and the same syntax errors."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.syntax import parse as parse_module
from engine.errors import RuleSyntaxError
from engine.syntax.lines import read_simple_lines

ROOT = Path(__file__).resolve().parent.parent


def normalised(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def by_lark_only(text: str):
    """What engine.syntax.parse gave before this module: Lark reads every line."""
    return parse_module._parse_with_lark(normalised(text), "x.rules")


def outcome(read):
    try:
        rule_file = read()
    except RuleSyntaxError as error:
        return ("error", error.diagnostics)
    return ("parsed", rule_file.declarations)


def assert_same(text: str) -> None:
    assert outcome(lambda: parse_module.parse(text, "x.rules")) == outcome(lambda: by_lark_only(text))


NAMES = st.sampled_from(["n", "x1", "share", "from", "hit", "assert", "type", "état", "_y"])
VALUES = st.sampled_from(["n", "3", "2.5", "12 €", "70%", "-4", "true", "\"text\"", "n + 1", "hit",
                          "2025-01-01", "2025-02-30", "1" * 20, "x1", "", "(n)", "min(n, 2)", "not", "€",
                          "3 because \"why\"", "n  # a comment", "a.b", "3 4"])
TYPES = st.sampled_from(["integer", "money", "bool", "Territory", "list of integer", "to"])
SPACE = st.sampled_from(["", " ", "  ", "\t"])

LINES = st.one_of(
    st.builds(lambda i, name, type_, value: f"{i}decision {name} : {type_} = {value}", SPACE, NAMES, TYPES, VALUES),
    st.builds(lambda name, value, gap: f"decision {name}{gap}={gap}{value}{gap}", NAMES, VALUES, SPACE),
    st.builds(lambda i, name, type_, tail: f"{i}input {name} : {type_}{tail}", SPACE, NAMES, TYPES,
              st.sampled_from(["", " ", " default 3", ' "described"', "  # a comment"])),
    st.just("decision t : integer\n  | n || t |\n  |---||---|\n  | 1 || 2 |"),
    st.just("| 3 || 4 |"),
    st.just("parameter fee : money\n  from 2024-01-01 = 30 €"),
    st.just("type Territory = {metropole, outre_mer}"),
    st.just("assert share >= 0"),
    st.just("decision a : integer"),
    st.just("input x :"),
    st.just("decision"),
    st.just(""),
    st.just("   "),
    st.just("# a comment"),
    st.just("  # an indented comment"),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, max_size=14), st.booleans())
def test_reading_by_hand_agrees_with_lark(lines, final_newline):
    text = "\n".join(lines) + ("\n" if final_newline else "")
    assert_same(text)


@pytest.mark.parametrize("path", sorted((ROOT / "rulesets").rglob("*.rules")), ids=lambda p: p.name)
def test_bundled_rule_files_read_the_same(path):
    assert_same(path.read_text(encoding="utf-8"))


def test_a_file_of_simple_declarations_is_read_by_hand_with_its_line_numbers_kept():
    text = "input n : integer\n" + "".join(f"decision x{i} : integer = n\n" for i in range(2_000))
    rest, read = read_simple_lines(text, "x.rules")
    assert len(read) == 2_001
    assert rest == "\n" * 2_001
    assert [d.span.line for d in read[:3]] == [1, 2, 3]
    assert parse_module.parse(text, "x.rules").declarations == by_lark_only(text).declarations


def test_a_table_header_is_left_to_lark():
    text = "input n : integer\ndecision t : integer\n  | n || t |\n  | 1 || 2 |\ndecision u : integer = t\n"
    _, read = read_simple_lines(text, "x.rules")
    assert [d.name for d in read] == ["n", "u"]
    assert_same(text)


def test_rows_after_an_expression_decision_are_still_an_error_where_lark_finds_it():
    # Read by hand and blanked, `decision a … = n` would leave the rows to the decision above it.
    text = "decision b : integer\ndecision a : integer = n\n\n  | n || a |\n  | 1 || 2 |\n"
    with pytest.raises(RuleSyntaxError) as raised:
        parse_module.parse(text, "x.rules")
    assert raised.value.diagnostics[0].span.line == 2
    assert_same(text)


def test_a_syntax_error_elsewhere_is_reported_as_lark_reports_it_in_the_whole_file():
    text = "input n : integer\ndecision a : integer = n\nparameter fee : money\ndecision b : integer = n\n"
    with pytest.raises(RuleSyntaxError) as raised:
        parse_module.parse(text, "x.rules")
    assert (raised.value.diagnostics[0].span.line, raised.value.diagnostics[0].span.column) == (4, 1)
    assert_same(text)


def test_an_expression_body_ends_where_lark_ends_it_after_comments_and_blank_lines():
    text = "decision a : integer = 3\n\n# notes\n   \n  decision b : integer = a\n"
    assert_same(text)
    body = parse_module.parse(text, "x.rules").declarations[0].body
    assert (body.span.line, body.span.column, body.span.end_line, body.span.end_column) == (1, 22, 5, 3)


def test_a_ruleset_at_the_size_limit_loads_and_answers_one_output(tmp_path):
    # 60,000 decisions just under the 2 MB limit (benchmarks/bench_size_limit.py times it).
    from engine import load_ruleset
    from engine.ruleset_files import MAX_RULE_FILE_BYTES
    path = tmp_path / "many.rules"
    path.write_text("input n : integer\n" + "".join(f"decision x{i} : integer = n\n" for i in range(60_000)),
                    encoding="utf-8")
    assert path.stat().st_size < MAX_RULE_FILE_BYTES
    verdict = load_ruleset(path).evaluate({"n": 4}, as_of="2025-01-01", outputs=["x59999"])
    assert verdict.outputs == {"x59999": 4}
    assert "many.rules:60001" in verdict.explain()
