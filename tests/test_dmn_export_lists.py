"""DMN export of lists (engine/dmn/writer_lists.py): list literals, `for`, `some`/`every`, filters
and `x in L` written in FEEL, read back by the import with the same values; what the export still
refuses (functions, `contains` cells) is said in words."""
from __future__ import annotations

import datetime as dt

import pytest

import engine
from engine.dmn.to_rules import import_dmn
from engine.dmn.writer import export_dmn
from engine.errors import VerdictError

DAY = dt.date(2026, 1, 1)
RULES = """type Person = {name: text, age: integer 0..130}
input household : list of Person
input ages : list of integer
input age : integer

decision first_age : integer = household[1].age
decision doubled : list of integer = for a in ages return a * 2
decision has_minor : bool = some m in household satisfies m.age < 18
decision all_adults : bool = every m in household satisfies m.age >= 18
decision listed : bool = age in ages
decision small : list of integer = [1, 2, age]
decision older : list of integer = ages[item > 3]
"""


def test_list_forms_export_to_feel_and_come_back_with_the_same_values(tmp_path):
    (tmp_path / "l.rules").write_text(RULES, encoding="utf-8")
    original = engine.load_ruleset(tmp_path / "l.rules")
    xml, _ = export_dmn(original, DAY)
    for feel in ("<text>(household)[1].age</text>", "<text>(for a in ages return (a * 2))</text>",
                 "<text>(some m in household satisfies (m.age &lt; 18))</text>",
                 "<text>(every m in household satisfies (m.age &gt;= 18))</text>",
                 "<text>list contains(ages, age)</text>", "<text>[1, 2, age]</text>",
                 "<text>(ages)[(item &gt; 3)]</text>"):
        assert feel in xml
    back = import_dmn(xml.encode(), "l.dmn")
    for facts in ({"household": [{"name": "A", "age": 12}, {"name": "B", "age": 40}], "ages": [3, 4], "age": 4},
                  {"household": [{"name": "C", "age": 30}], "ages": [7], "age": 0}):
        assert back.ruleset.evaluate(facts, as_of=DAY, trace=False).outputs == \
            original.evaluate(facts, as_of=DAY, trace=False).outputs


def test_a_function_call_is_refused_in_words(tmp_path):
    (tmp_path / "f.rules").write_text("input a : integer\nfunction double(x: integer) : integer = x * 2\n"
                                      "decision d : integer = double(a)\n", encoding="utf-8")
    with pytest.raises(VerdictError) as raised:
        export_dmn(engine.load_ruleset(tmp_path / "f.rules"), DAY)
    assert [(d.span.line, d.message) for d in raised.value.diagnostics] == [
        (3, "cannot be exported to DMN: the function `double` cannot be exported: the export does not write "
            "business knowledge models (the import reads them)")]
