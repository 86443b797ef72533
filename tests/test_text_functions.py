"""Functions on texts (docs/language.md "## Text functions"): exact results, FEEL's positions
for substring, type errors at their place, and both evaluation paths agreeing with Python."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine import EvaluationError, RuleError
from tests.test_codegen import both_ways

AS_OF = "2025-01-01"

RULES = """\
input name : text
input start : integer
input length : integer
decision shout : text = upper(name)
decision quiet : text = lower(name)
decision size : integer = string_length(name)
decision head : text = substring(name, 1, 3)
decision tail : text = substring(name, -2)
decision cut : text = substring(name, start, length)
decision opens : bool = starts_with(name, "Wa")
decision closes : bool = ends_with(name, "ng")
decision has : bool = contains(name, "an")
decision initial : text
  | name                || initial
  | -                   || upper(substring(name, 1, 1))
"""


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    path = tmp_path_factory.mktemp("texts") / "t.rules"
    path.write_text(RULES, encoding="utf-8")
    return engine.load_ruleset(path)


def test_the_text_functions_on_a_name(texts):
    verdict = texts.evaluate({"name": "Wang", "start": 2, "length": 2}, as_of=AS_OF)
    assert verdict.outputs == {"shout": "WANG", "quiet": "wang", "size": 4, "head": "Wan", "tail": "ng",
                               "cut": "an", "opens": True, "closes": True, "has": True, "initial": "W"}


def test_substring_from_zero_is_an_error_naming_the_decision(texts):
    with pytest.raises(EvaluationError) as raised:
        texts.evaluate({"name": "Wang", "start": 0, "length": 1}, as_of=AS_OF, outputs=["cut"])
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.span.line, diagnostic.span.column) == (9, 23)
    assert diagnostic.message == ("in `cut`: `substring` counts positions from 1 (or from -1 at the end), not "
                                  "from 0 (as of 2025-01-01); with name = Wang, start = 0, length = 1")


@pytest.mark.parametrize("expression, message, column", [
    ("upper(n)", "`upper` needs texts; this is integer", 27),
    ('substring("abc", "x")', "`substring` needs whole numbers (start, length); this is text", 38),
    ('starts_with("abc")', "`starts_with` takes 2 argument(s), not 1", 21),
])
def test_wrong_arguments_are_type_errors_at_their_place(tmp_path, expression, message, column):
    path = tmp_path / "bad.rules"
    path.write_text(f"input n : integer\ndecision u : text = {expression}\n", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        engine.load_ruleset(path)
    diagnostic = raised.value.diagnostics[0]
    assert (diagnostic.message, diagnostic.span.line, diagnostic.span.column) == (message, 2, column)


def feel_substring(text, start, length):
    begin = start - 1 if start > 0 else max(0, len(text) + start)
    return text[begin:begin + length]


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="aAbßé中 ", max_size=6), st.integers(-8, 8).filter(bool), st.integers(0, 8))
def test_both_paths_agree_with_python(texts, name, start, length):
    facts = {"name": name, "start": start, "length": length}
    assert both_ways(texts, facts, AS_OF)[0] == "ok"
    outputs = texts.evaluate(facts, as_of=AS_OF).outputs
    assert outputs["shout"] == name.upper() and outputs["quiet"] == name.lower() and outputs["size"] == len(name)
    assert outputs["cut"] == feel_substring(name, start, length)
    assert outputs["has"] == ("an" in name) and outputs["opens"] == name.startswith("Wa")


def test_the_documented_example_evaluates(tmp_path):
    import re
    from pathlib import Path
    doc = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text(encoding="utf-8")
    path = tmp_path / "doc.rules"
    path.write_text(re.search(r"```rules texts\n(.*?)```", doc, re.S).group(1), encoding="utf-8")
    outputs = engine.load_ruleset(path).evaluate({"name": "Wang"}, as_of=AS_OF).outputs
    assert outputs == {"shout": "WANG", "initial": "W", "tail": "ng", "size": 4, "opens": True, "has": True}
