"""`verdict check --suggest`: adjacent rows with the same output merge, and nothing else changes."""
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.ruleset import load_ruleset
from engine.checker.simplify import simplified_texts

RULES = """type Flag = {red, green, blue}
input age : integer 0..130
input flag : Flag
input amount : money >= 0

decision fee : money "Fee" hit unique
  | age    | flag  || fee  |
  |--------|-------||------|
  | <= 17  | -     || 0 €  |
  | 18..25 | red   || 10 € |
  | 18..25 | green || 10 € |
  | 18..25 | blue  || 12 € |
  | 26..40 | -     || 20 € |
  | 41..60 | -     || 20 € |
  | >= 61  | -     || 15 € |

decision band : text hit first
  | amount         || band   | id
  | < 100 €        || "low"  |
  | [100 €..200 €) || "low"  |
  | >= 200 €       || "high" | band_high
  | otherwise      || "high" |
"""


def test_suggest_merges_neighbours_with_the_same_output(tmp_path, capsys):
    path = tmp_path / "s.rules"
    path.write_text(RULES, encoding="utf-8")
    assert main(["check", str(path), "--suggest"]) == 0
    assert capsys.readouterr().out == f"""--- {path}
+++ {path}\t(suggested)
@@ -7,16 +7,13 @@
   | age    | flag  || fee  |
   |--------|-------||------|
   | <= 17  | -     || 0 €  |
-  | 18..25 | red   || 10 € |
-  | 18..25 | green || 10 € |
+  | 18..25 | {{red, green}} || 10 € |
   | 18..25 | blue  || 12 € |
-  | 26..40 | -     || 20 € |
-  | 41..60 | -     || 20 € |
+  | 26..60 | -     || 20 € |
   | >= 61  | -     || 15 € |
 
 decision band : text hit first
   | amount         || band   | id
-  | < 100 €        || "low"  |
-  | [100 €..200 €) || "low"  |
+  | < 200 €        || "low"  |
   | >= 200 €       || "high" | band_high
   | otherwise      || "high" |
"""


def test_nothing_to_simplify(tmp_path, capsys):
    path = tmp_path / "n.rules"
    path.write_text("input a : integer\ndecision d : integer\n  | a || d |\n  | 1 || 1 |\n  | 2 || 2 |\n")
    assert main(["check", str(path), "--suggest"]) == 0
    assert capsys.readouterr().out == "no table can be simplified\n"


CELLS = ["-", "1", "2", "<= 1", ">= 3", "2..3", "[0..2)", "not 2", "{0, 4}"]
OUTS = ["1", "2"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(CELLS), st.sampled_from(["red", "green", "-", "{red, blue}"]),
                               st.sampled_from(OUTS)), min_size=1, max_size=6))
def test_the_suggested_table_gives_the_same_verdicts(tmp_path, rows):
    header = "type Flag = {red, green, blue}\ninput n : integer 0..4\ninput flag : Flag\n"
    table = "decision x : integer hit first\n  | n | flag || x |\n" + "".join(
        f"  | {a} | {b} || {o} |\n" for a, b, o in rows) + "  | otherwise | - || 9 |\n"
    path = tmp_path / "p.rules"
    path.write_text(header + table, encoding="utf-8")
    before = load_ruleset(path)
    texts = simplified_texts(before)
    if not texts:
        return
    [text] = texts.values()
    assert text.count("\n  |") < (header + table).count("\n  |")  # something merged
    path.write_text(text, encoding="utf-8")
    after = load_ruleset(path)
    for n, flag in itertools.product(range(5), ["red", "green", "blue"]):
        facts = {"n": n, "flag": flag}
        assert after.evaluate(facts, as_of="2025-01-01").outputs == before.evaluate(facts, as_of="2025-01-01").outputs


def test_bounds_that_read_a_parameter_are_kept_as_written(tmp_path, capsys):
    path = tmp_path / "p.rules"
    path.write_text("""input amount : money
parameter low : money
  from 2020-01-01 = 500 €
parameter high : money
  from 2020-01-01 = 700 €
  from 2024-01-01 = 900 €
decision band : text hit first
  | amount         || band  |
  | <= low         || "low" |
  | (low..high]    || "low" |
  | otherwise      || "high" |
""", encoding="utf-8")
    assert main(["check", str(path), "--suggest"]) == 0
    out = capsys.readouterr().out
    assert '+  | <= low, (low..high] || "low" |' in out  # not `<= 700 €`: `high` changes in 2024
