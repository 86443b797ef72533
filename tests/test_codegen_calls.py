"""The generated code against the closures (tests/test_codegen.py's comparison) on random rulesets
that call functions — tables of every hit policy, expressions, a function calling another, a
figure read in a body — inside the list forms `for`, `some`, `every` and filters: the outputs,
the compact and the full traces (each call, its element, its rows) and the errors agree."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_codegen import SETTINGS, both_ways, load_text

CALL_INT_TESTS = ["-", "{a}", "< {a}", "<= {a}", "> {a}", ">= {a}", "!= {a}", "{a}..{b}", "({a}..{b}]",
                  "{{{a}, {b}}}", "not {a}..{b}", "{a}, {b}..{c}"]
CALL_COLOR_TESTS = ["-", "red", "{red, blue}", "not green", "!= blue"]
CALL_POLICIES = ["unique", "first", "any", "collect sum", "collect max", "collect count"]
CALL_OUTPUTS = ["1", "2", "a + 1", "a * 2 - 3", "if k = red then 1 else 2", "3"]
# (the decision's type, its expression): calls inside every list form, nested and plain
CALL_DECISIONS = [
    ("integer", "f(n, c)"),
    ("integer", "g(n)"),
    ("list of integer", "for x in xs return f(x, c)"),
    ("bool", "some x in xs satisfies f(x, c) > 2"),
    ("bool", "every x in xs satisfies g(x) < 10"),
    ("list of integer", "xs[f(item, c) = 1]"),
    ("money", "sum(for x in xs return m(x, amount))"),
    ("integer", "count(xs[g(item) > 4])"),
    ("list of list of integer", "for x in xs return for y in xs return f(x + y, red)"),
    ("integer", "f(max(xs), c)"),
    ("money", "m(n, amount) + m(g(n), 1 €)"),
]

CALL_PRELUDE = """\
type Color = {red, green, blue}
input n : integer 0..100
input c : Color
input xs : list of integer
input amount : money >= 0 €
parameter limit : money
  from 2020-01-01 = 25 €
  from 2024-01-01 = 30 €

function g(x: integer) : integer = f(x, red) + x
function m(x: integer, y: money) : money = if x > 5 then y * 2 else limit
"""


@st.composite
def random_calls(draw):
    """A ruleset whose function `f` is a random table, decisions calling it, and a few facts."""
    policy = draw(st.sampled_from(CALL_POLICIES))
    rows = []
    small = st.integers(0, 12)
    for _ in range(draw(st.integers(1, 6))):
        a, b, c = sorted(draw(st.lists(small, min_size=3, max_size=3)))
        cells = [draw(st.sampled_from(CALL_INT_TESTS)).format(a=a, b=b, c=c), draw(st.sampled_from(CALL_COLOR_TESTS))]
        rows.append(f"  | {' | '.join(cells)} || {draw(st.sampled_from(CALL_OUTPUTS))}")
    if draw(st.booleans()):
        rows.append(f"  | otherwise | - || {draw(st.sampled_from(CALL_OUTPUTS))}")
    table = [f"function f(a: integer, k: Color) : integer hit {policy}", "  | a | k || f", *rows]
    chosen = draw(st.lists(st.sampled_from(CALL_DECISIONS), min_size=1, max_size=4, unique=True))
    decisions = [f"decision d{i} : {type_} = {expr}" for i, (type_, expr) in enumerate(chosen)]
    text = CALL_PRELUDE + "\n".join(table) + "\n\n" + "\n".join(decisions) + "\n"
    facts = draw(st.lists(st.fixed_dictionaries({
        "n": st.integers(0, 14), "c": st.sampled_from(["red", "green", "blue"]),
        "xs": st.lists(st.integers(0, 14), max_size=4),
        "amount": st.sampled_from([Decimal(0), Decimal("12.50"), Decimal(30)])}), min_size=1, max_size=4))
    as_of = draw(st.sampled_from(["2019-06-01", "2021-01-01", "2025-06-01"]))
    return text, facts, as_of


@settings(max_examples=80, **SETTINGS)
@given(case=random_calls())
def test_random_calls_in_list_forms_both_ways(tmp_path, case):
    text, facts_list, as_of = case
    ruleset = load_text(tmp_path, text)
    for facts in facts_list:
        result = both_ways(ruleset, facts, as_of)
        if result[0] == "ok":
            fast = ruleset.evaluate(facts, as_of=as_of).to_dict(full=True)
            assert fast == ruleset.interpret(facts, as_of=as_of).to_dict(full=True)
            assert fast["trace_detail"] == "full"


def test_the_random_rulesets_do_call_in_every_list_form(tmp_path):
    """The strategy's rulesets load, and their traces hold calls with elements (a guard on the
    property above: it would pass vacuously if every ruleset were refused)."""
    text = CALL_PRELUDE + "function f(a: integer, k: Color) : integer hit first\n  | a | k || f\n  | <= 5 | - || 1\n" \
        "  | otherwise | - || 2\n\n" + "\n".join(f"decision d{i} : {t} = {e}" for i, (t, e) in enumerate(CALL_DECISIONS))
    ruleset = load_text(tmp_path, text + "\n")
    facts = {"n": 3, "c": "red", "xs": [1, 9], "amount": Decimal(30)}
    assert both_ways(ruleset, facts, "2025-06-01")[0] == "ok"
    trace = ruleset.evaluate(facts, as_of="2025-06-01").to_dict()
    elements = {d["name"]: [c.get("element") for c in d.get("calls", [])] for d in trace["decisions"]}
    assert elements == {"d0": [None], "d1": [None], "d2": [0, 1], "d3": [0, 1], "d4": [0, 1], "d5": [0, 1],
                        "d6": [0, 1], "d7": [0, 1], "d8": [0, 1, 0, 1], "d9": [None], "d10": [None, None, None]}
