"""DMN export of lists (engine/dmn/writer_lists.py): list literals, `for`, `some`/`every`, filters
and `x in L` written in FEEL, read back by the import with the same values; what the export still
refuses (functions, `contains` cells) is said in words."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import engine
from engine.dmn.to_rules import import_dmn
from engine.dmn.writer import export_dmn
from tests.test_dmn_durations import TCK, dmn15_schema

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


FUNCTIONS = """type Person = {name: text, age: integer 0..130, stay: duration}
input household : list of Person
input age : integer 0..130

function share(a: integer 0..130) : money
  | a      || share | because
  | <= 17  || 0 €   | "Minors (aged {a}) pay nothing."
  | 18..59 || 8 €   |
  | >= 60  || 25 €  |

function long_stay(s: duration) : bool = s >= 90 days
function doubled_share(a: integer 0..130) : money = share(a) * 2

decision shares : list of money = for m in household return share(m.age)
decision total : money = sum(for m in household return share(m.age))
decision all_long : bool = every m in household satisfies long_stay(m.stay)
decision mine : money = doubled_share(age)
"""


def test_functions_export_as_business_knowledge_models_and_come_back_the_same(tmp_path):
    (tmp_path / "f.rules").write_text(FUNCTIONS, encoding="utf-8")
    original = engine.load_ruleset(tmp_path / "f.rules")
    xml, _ = export_dmn(original, DAY)
    for feel in ('<businessKnowledgeModel id="bkm_share" name="share">', '<formalParameter name="a" typeRef="share_a_range" />',
                 '<requiredKnowledge href="#bkm_long_stay" />', "<text>(for m in household return share(m.age))</text>",
                 "<text>round half up((share(a) * 2), 2)</text>", "<text>round half up(doubled_share(age), 2)</text>"):
        assert feel in xml
    assert xml.count('<requiredKnowledge href="#bkm_share" />') == 3  # shares, total, and doubled_share itself
    back = import_dmn(xml.encode(), "f.dmn")
    assert "function share(a: integer 0..130) : money hit unique" in back.text
    for facts in ({"household": [{"name": "A", "age": 12, "stay": "P30D"}, {"name": "B", "age": 61, "stay": "P400D"}],
                   "age": 40},
                  {"household": [{"name": "C", "age": 30, "stay": "P100D"}], "age": 70}):
        assert back.ruleset.evaluate(facts, as_of=DAY, trace=False).outputs == \
            original.evaluate(facts, as_of=DAY, trace=False).outputs


@pytest.mark.skipif(not Path(TCK).exists(), reason=f"no DMN TCK at {TCK} (set VERDICT_TCK)")
def test_the_export_of_lists_and_functions_is_valid_dmn_15(tmp_path):
    schema = dmn15_schema(tmp_path)
    for name, text in (("l.rules", RULES), ("f.rules", FUNCTIONS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        schema.validate(export_dmn(engine.load_ruleset(tmp_path / name), DAY)[0])
