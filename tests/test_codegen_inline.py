"""The prepared evaluator of a chain of tables (engine/compiler/inline.py) against the closures.

`decision_function` writes a `first` table whose tests read other decisions as one function (those
decisions computed in place, the rows as `if`/`elif`), and a formula of one small whole-number
input as a dict look-up. On random chains of tables, with gaps and overlaps that make the tables
they read raise, the value (its type and exponent too) or the error's diagnostics must be those
of the reference interpreter.
"""
from __future__ import annotations

import datetime as dt
import decimal
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import engine
from engine.compiler import codegen
from engine.errors import EvaluationError, RuleError
from engine.evaluation.evaluate import Context
from engine.values import ENGINE_CONTEXT
from tests.test_codegen import both_ways

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DAY = dt.date(2025, 6, 1)

PRELUDE = """\
type Color = {red, green, blue}
input n : integer 0..20
input c : Color
input amount : money >= 0 €
input flag : bool default false
parameter limit : money
  from 2020-01-01 = 25 €
decision helper : integer = n * 2 - 3
"""

N_TESTS = ["-", "<= {a}", "{a}..{b}", ">= {a}", "< {a}", "> {b}", "{a}", "not {a}"]
C_TESTS = ["-", "red", "not red", "{{green, blue}}", "blue"]
LOOKUP_OUTPUTS = ["{a} €", "n * {a} € + 1 €", "{a}.5 € + n * 2 €", "amount + {a} €", "-n * 0.25 €", "{b}.25 €"]
AMOUNT_TESTS = ["-", "<= lo", "(lo..hi]", "> hi", "<= limit", "[lo..limit]", "> lo + hi", "< {a} €", "= hi",
                "lo, hi", "not (lo..hi)", "<= hi - lo", "> lo * 2"]
FLAG_TESTS = ["-", "true", "false"]
T_OUTPUTS = ["1 €", "lo", "hi - amount", "lo * 2", "{a} €", "amount", "n * 1 €"]
HI_FORMS = ["decision hi : money = lo + {a} €\n", "decision hi : money = {b}0 € + n * 3 €\n", "TABLE", "TWIN", "TWIN"]


def lookup(draw, name: str, like=None) -> tuple:
    """A look-up table on n and c: unique or first, with gaps (no match) and overlaps (not unique);
    `like`: the cells of another such table, kept (its twin: the same segments, other values)."""
    policy = draw(st.sampled_from(["unique", "first"]))
    lines = [f"decision {name} : money hit {policy}", f"  | n | c || {name}"]
    kept = []
    for number in range(len(like) if like is not None else draw(st.integers(1, 6))):
        a, b = sorted(draw(st.lists(st.integers(0, 20), min_size=2, max_size=2)))
        cells = like[number] if like is not None else [draw(st.sampled_from(N_TESTS)).format(a=a, b=b),
                                                       draw(st.sampled_from(C_TESTS))]
        kept.append(cells)
        lines.append(f"  | {' | '.join(cells)} || {draw(st.sampled_from(LOOKUP_OUTPUTS)).format(a=a, b=b)}")
    if draw(st.booleans()):
        lines.append(f"  | otherwise | - || 0 €")
    return "\n".join(lines) + "\n", kept


@st.composite
def chain(draw):
    """The text of a ruleset where `t` (hit first) reads `lo` and `hi` in its tests."""
    lo, cells = lookup(draw, "lo")
    a, b = sorted(draw(st.lists(st.integers(0, 30), min_size=2, max_size=2)))
    hi = draw(st.sampled_from(HI_FORMS))
    if hi in ("TABLE", "TWIN"):
        hi = lookup(draw, "hi", cells if hi == "TWIN" else None)[0]
    text = PRELUDE + lo.format() + hi.format(a=a, b=b)  # a look-up table's `{{green, blue}}` is a set
    columns = draw(st.sampled_from([["amount"], ["flag", "amount"], ["amount", "flag"], ["c", "amount"]]))
    lines = ["decision t : money hit first", f"  | {' | '.join(columns)} || t"]
    for _ in range(draw(st.integers(1, 6))):
        cells = []
        for column in columns:
            a, b = sorted(draw(st.lists(st.integers(0, 30), min_size=2, max_size=2)))
            options = {"amount": AMOUNT_TESTS, "flag": FLAG_TESTS, "c": C_TESTS}[column]
            cells.append(draw(st.sampled_from(options)).format(a=a, b=b))
        lines.append(f"  | {' | '.join(cells)} || {draw(st.sampled_from(T_OUTPUTS)).format(a=a, b=b)}")
    if draw(st.booleans()):
        lines.append(f"  | otherwise{' | -' * (len(columns) - 1)} || 0 €")
    facts = draw(st.lists(st.fixed_dictionaries({
        "n": st.integers(0, 20), "c": st.sampled_from(["red", "green", "blue"]), "flag": st.booleans(),
        "amount": st.sampled_from([Decimal(0), Decimal("5.50"), Decimal(10), Decimal("25.00"), Decimal(30),
                                   Decimal("40.25"), Decimal(60), Decimal(12), Decimal("0.01")])}),
        min_size=1, max_size=8))
    return text + "\n".join(lines) + "\n", facts


def load_text(tmp_path, text):
    path = tmp_path / "chain.rules"
    path.write_text(text, encoding="utf-8")
    try:
        return engine.load_ruleset(path)
    except RuleError:
        assume(False)


def reference(ruleset, facts, name="t"):
    """The interpreter's value of `name` (its type and repr) or its error's diagnostics."""
    try:
        with decimal.localcontext(ENGINE_CONTEXT):
            value = Context(dict(facts), DAY, ruleset.plans, traced=False).decision(name)
    except EvaluationError as error:
        return ("error", [d.to_dict() for d in error.diagnostics])
    return ("ok", type(value).__name__, repr(value))


def prepared(fn, facts):
    try:
        with decimal.localcontext(ENGINE_CONTEXT):
            value = fn(**{name: facts[name] for name in fn.inputs})
    except EvaluationError as error:
        return ("error", [d.to_dict() for d in error.diagnostics])
    return ("ok", type(value).__name__, repr(value))


@settings(max_examples=120, **SETTINGS)
@given(case=chain())
def test_a_chain_of_tables_gives_the_interpreters_value_or_error(tmp_path, case):
    text, facts_list = case
    ruleset = load_text(tmp_path, text)
    fn = ruleset.decision_function("t", DAY)
    for facts in facts_list:
        assert prepared(fn, facts) == reference(ruleset, facts), (text, facts)
        for name in ("lo", "hi"):  # the tables it reads, each as its own prepared function too
            assert prepared(ruleset.decision_function(name, DAY), facts) == reference(ruleset, facts, name)
        # and through evaluate, whose untraced decision function of `t` is the same if/elif chain
        # (codegen_inline.write_chain), the decisions read through the memo
        both_ways(ruleset, facts, DAY, ["t"])
        both_ways(ruleset, facts, DAY)


def entry_source(monkeypatch, ruleset, name, day):
    sources = []
    checked = codegen.run_checked
    monkeypatch.setattr(codegen, "run_checked", lambda source, names, what: sources.append(source) or
                        checked(source, names, what))
    fn = ruleset.decision_function(name, day)
    entry = next(source for source in sources if "def entry" in source)
    return fn, entry[entry.index("def entry"):]


def test_css_status_is_one_function_without_memo_or_row_list(monkeypatch):
    ruleset = engine.load_ruleset(Path(__file__).resolve().parent.parent / "rulesets" / "student_health")
    fn, entry = entry_source(monkeypatch, ruleset, "css_status", dt.date(2025, 9, 1))
    # both ceilings computed in place (u10, u11) by one set of nested tests (the two tables have
    # the same columns and segments), no memo list, no list of matched rows
    assert "m = [" not in entry and "h = [" not in entry and "d10(" not in entry and "d11(" not in entry
    assert entry.count("if x0 < 3:") == 1 and entry.count("if x0 < 5:") == 1
    assert entry.count("u10 = v") == entry.count("u11 = v") == 11 and "elif (x1 <= u10):" in entry
    assert fn(Decimal("12000.00"), 1, "metropole", "FR") == "participation"
    assert fn(Decimal("10339.00"), 1, "metropole") == "free"
    assert fn(Decimal("10339.01"), 1, "metropole", "DE") == "not_eligible"
    # a household of 6 reads the formula rows, worked out in advance: the same exact values
    for size in range(5, 21):
        facts = {"annual_resources": Decimal("30000.00"), "household_size": size, "territory": "outre_mer",
                 "insured_in": "FR"}
        assert fn(**facts) == ruleset.interpret(facts, as_of="2025-09-01", outputs=["css_status"]).outputs["css_status"]
    # a size of 0 is not refused by the prepared function (no validation): the ceiling table
    # has no row for it, and the error is the interpreter's, even where the status's first row
    # would have answered
    with pytest.raises(EvaluationError) as raised:
        fn(Decimal("1.00"), 0, "metropole", "DE")
    assert raised.value.diagnostics[0].code == "no-match"
    assert "no rule of `css_free_ceiling` matches household_size = 0" in raised.value.diagnostics[0].message


ORDER = """\
input n : integer 0..10
input insured : bool
input amount : money
decision a : money hit unique
  | n || a
  | 1 || 10 €
decision b : money hit unique
  | n || b
  | 2 || 20 €
decision t : text hit first
  | insured | amount || t
  | true    | <= b   || "b"
  | -       | <= a   || "a"
  | -       | <= b   || "b again"
  | otherwise | -    || "none"
"""


def test_decisions_read_in_an_order_that_depends_on_the_facts_keep_the_reference_error(tmp_path, monkeypatch):
    # insured: b is read first (row 1), else a is (row 2): when both fail, the error is b's or a's
    path = tmp_path / "order.rules"
    path.write_text(ORDER, encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    fn, entry = entry_source(monkeypatch, ruleset, "t", DAY)
    assert "h = [" in entry  # not written as one function: the rows are all tested, as the reference does
    for insured, failing in ((True, "b"), (False, "a")):
        facts = {"n": 5, "insured": insured, "amount": Decimal("1.00")}
        with pytest.raises(EvaluationError) as raised:
            fn(**facts)
        assert f"no rule of `{failing}` matches n = 5" in raised.value.diagnostics[0].message
        assert prepared(fn, facts) == reference(ruleset, facts)


def test_a_test_that_may_not_read_its_decision_still_reads_it_first_when_nothing_comes_between(tmp_path, monkeypatch):
    # `(a..b]` reads b only when a < amount, but row 3 reads b anyway, and nothing else between
    text = ORDER.replace('  | true    | <= b   || "b"\n', "").replace('<= a   || "a"', '(a..b] || "a"')
    path = tmp_path / "order.rules"
    path.write_text(text, encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    fn, entry = entry_source(monkeypatch, ruleset, "t", DAY)
    assert "h = [" not in entry and "u0 = v" in entry and "u1 = v" in entry
    for n, failing in ((1, "b"), (2, "a"), (0, "a")):
        facts = {"n": n, "insured": False, "amount": Decimal("5")}
        assert prepared(fn, facts) == reference(ruleset, facts)
        with pytest.raises(EvaluationError) as raised:
            fn(**facts)
        assert raised.value.diagnostics[0].message.startswith(f"no rule of `{failing}` matches n = {n}")


def test_evaluate_runs_in_the_engine_context_and_gives_the_callers_back(tmp_path):
    # engine/evaluation/context.py: each thread's copy of ENGINE_CONTEXT is installed for the
    # evaluation (no copy per verdict); the caller's own context, however odd, is untouched
    import threading
    path = tmp_path / "third.rules"
    path.write_text("input amount : money\ndecision third : number = amount / 3\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    odd = decimal.Context(prec=3, rounding=decimal.ROUND_DOWN, traps=[])
    results = {}

    def run(key):
        with decimal.localcontext(odd) as mine:
            results[key] = [ruleset.evaluate({"amount": 10}, as_of=DAY, trace=False).outputs["third"]
                            for _ in range(2)]
            results[key].append(decimal.getcontext() is mine and mine.prec == 3 and not mine.traps[decimal.Overflow])
    threads = [threading.Thread(target=run, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run("main")
    expected = Decimal("3.333333333333333333333333333")  # 28 digits (the caller's context: 3.33)
    assert all(r == [expected, expected, True] for r in results.values()) and len(results) == 4


def test_a_whole_number_decision_in_a_money_row_is_rounded_as_money(tmp_path):
    # a money formula reading a whole-number decision gets an int there, not a finished Decimal:
    # it is finished by finish_money, not by `.quantize` in place (which an int does not have)
    path = tmp_path / "mixed.rules"
    path.write_text("input n : integer 0..100\ninput amount : money >= 0 €\ndecision helper : integer = n * 2 - 3\n"
                    "decision t hit collect\n  | n || t\n  | - || helper\n  | - || round(amount / 7)\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    facts = {"n": 0, "amount": Decimal("0")}
    assert ruleset.decision_function("t", DAY)(**facts) == (Decimal("-3.00"), Decimal("0.00"))
    assert both_ways(ruleset, facts, DAY)[1]["t"][1] == "[Decimal('-3.00'), Decimal('0.00')]"


def test_arithmetic_on_a_number_decision_keeps_the_row_scan_and_its_overflow(tmp_path, monkeypatch):
    # h9 is about 10^(99 n 2^9): for n = 10, `h9 * h9` passes 10^999999 and overflows in the
    # reference, which tests every row even when the first matches. A number decision in a test's
    # arithmetic is not taken as unable to raise: the rows are all tested, the error is raised.
    doubling = "".join(f"decision h{k} : number = h{k - 1} * h{k - 1}\n" for k in range(1, 10))
    path = tmp_path / "huge.rules"
    path.write_text("input n : integer 0..10\ninput x : number\ndecision h0 : number = 1.5 * 10 ** (n * 99)\n" + doubling
                    + "decision t : text hit first\n  | x || t\n  | <= 1 || \"small\"\n"
                    "  | > h9 * h9 || \"huge\"\n  | otherwise || \"other\"\n", encoding="utf-8")
    ruleset = engine.load_ruleset(path)
    fn, entry = entry_source(monkeypatch, ruleset, "t", DAY)
    assert "h = [" in entry
    assert fn(Decimal(0), 0) == "small" and both_ways(ruleset, {"n": 0, "x": 0}, DAY, ["t"])[1]["t"][1] == "'small'"
    refused = both_ways(ruleset, {"n": 10, "x": 0}, DAY, ["t"])
    assert refused[0] == "error" and "beyond exact arithmetic (Overflow)" in refused[2][0]["message"]
    with pytest.raises(decimal.Overflow):
        with decimal.localcontext(ENGINE_CONTEXT):
            fn(Decimal(0), 10)
