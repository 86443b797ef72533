"""stage: explanation text → time of line breaking and of a whole explanation, side by side in one run
with verdict 0.2.0's renderer (tests/explain_reference.py, which the tests hold the text to).

- wrap: engine/locale/linebreak.wrap on texts of 1×, 8× and 64× the words, against the 0.2.0 wrap
  (it re-measured the line for every word). A linear wrap takes ~8× longer for 8× the text.
- whole ruleset: the bundled ruleset's trace → `explain_trace` in en/fr/zh, on other random
  households every call (what an explanation costs when its facts are new) and on Wang's facts
  again and again; then the whole of `evaluate(...).explain()`, trace built and text rendered.
- length: a generated ruleset of n decisions in a tree (every third a table), one answer resting
  on all of them, or all n requested; the time against the explanation's length in characters
  and the growth exponent (time ∝ length^k, least squares: 1 is linear).

Each figure is the median of runs taken in turns with 0.2.0's (ours, theirs, ours, …), so a change
of the machine's load falls on both alike, in CPU time of this process (on a shared machine the
wall clock also counts the time other processes had the cores).

Run: .venv/bin/python benchmarks/bench_explain.py [--repeat N] [--quick]
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from common import ROOT

import yaml  # noqa: E402

import engine  # noqa: E402
from bench_ruleset import random_facts  # noqa: E402
from engine.explain.render import explain_trace  # noqa: E402
from engine.locale.linebreak import wrap  # noqa: E402
from tests import explain_reference as reference  # noqa: E402

AS_OF = dt.date(2025, 9, 1)
_OLD_TOKENS = re.compile(r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|"
                         r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


def _old_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def old_wrap(text: str, width: int) -> list:
    """The wrap of verdict 0.2.0, kept here as the reference it is measured against."""
    lines, current, used = [], "", 0
    for token in _OLD_TOKENS.findall(text):
        size = _old_width(token)
        if token.isspace():
            if current:
                current, used = current + " ", used + 1
            continue
        if used + size > width and current.strip():
            lines.append(current.rstrip())
            current, used = "", 0
        current, used = current + token, used + size
    lines.append(current.rstrip())
    return lines


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def in_turns(batches: list, sides: tuple) -> list:
    """Seconds per item of each side: the median over the batches (each side renders each batch, in
    turns), so every call of a side explains facts it has not explained before in that run."""
    samples = [[] for _ in sides]
    for side in sides:  # warm-up: imports, Babel's locale data
        side(batches[0][:1])
    for batch in batches[1:]:
        for side, found in zip(sides, samples):
            start = time.process_time()
            side(batch)
            found.append((time.process_time() - start) / len(batch))
    return [statistics.median(found) for found in samples]


def ours_in(lang):
    return lambda traces: [explain_trace(t, lang) for t in traces]


def theirs_in(lang):
    return lambda traces: [reference.explain_trace(t, lang) for t in traces]


def wrap_rows(repeat: int):
    unit = ("Les ressources de votre foyer ne dépassent pas le plafond : vous avez droit à la "
            "Complémentaire santé solidaire. 您家庭的收入没有超过免费补充医疗保障的上限，您就有资格免费享受。 ")
    print(f"{'text':<22}{'wrap (µs)':>11}{'µs/1k chars':>13}{'0.2.0 wrap (µs)':>17}{'µs/1k chars':>13}")
    for times in (1, 8, 64):
        text = unit * times * 10
        ours = best(lambda: wrap(text + str(time.perf_counter_ns()), 88), repeat) * 1e6  # a new text each time
        theirs = best(lambda: old_wrap(text, 88), repeat) * 1e6
        per = 1000 / len(text)
        print(f"{len(text):>8} characters{'':<4}{ours:>11.0f}{ours * per:>13.1f}{theirs:>17.0f}{theirs * per:>13.1f}")
    print("(a linear wrap keeps µs/1k chars flat, up to memory effects; a quadratic one grows 8× per row)")


def ruleset_rows(repeat: int):
    rs = engine.load_ruleset(ROOT / "rulesets" / "student_health")
    households = [{k: v for k, v in f.items() if k in rs.model.inputs} for f in random_facts(40 * (repeat + 1))]
    traces = [rs.evaluate(f, as_of=AS_OF).to_dict() for f in households]
    batches = [traces[i:i + 40] for i in range(0, len(traces), 40)]
    wang = yaml.safe_load((ROOT / "examples" / "wang.yaml").read_text(encoding="utf-8"))
    wang_trace = rs.evaluate(wang, as_of=AS_OF).to_dict()
    print(f"\n{'whole ruleset, explain_trace':<30}{'ours (µs)':>10}{'0.2.0 (µs)':>12}{'ratio':>8}")
    for lang in ("en", "fr", "zh"):
        ours, theirs = in_turns(batches, (ours_in(lang), theirs_in(lang)))
        print(f"{lang + ', new households':<30}{ours * 1e6:>10.0f}{theirs * 1e6:>12.0f}{theirs / ours:>7.1f}×")
        same = [[wang_trace] * 20] * (repeat + 1)
        ours, theirs = in_turns(same, (ours_in(lang), theirs_in(lang)))
        print(f"{lang + ', Wang again':<30}{ours * 1e6:>10.0f}{theirs * 1e6:>12.0f}{theirs / ours:>7.1f}×")
    facts = [households[i:i + 40] for i in range(0, len(households), 40)]
    evaluated = in_turns(facts, (lambda fs: [rs.evaluate(f, as_of=AS_OF).to_dict() for f in fs],
                                 lambda fs: [rs.evaluate(f, as_of=AS_OF).explain() for f in fs],
                                 lambda fs: [reference.explain_trace(rs.evaluate(f, as_of=AS_OF).to_dict())
                                             for f in fs]))
    built, ours, theirs = (s * 1e6 for s in evaluated)
    print(f"evaluate + to_dict() (trace built) {built:>8.0f} µs; + explain() {ours:>6.0f} µs "
          f"(with 0.2.0's renderer {theirs:.0f} µs; target ≤ 300 µs)")


def tree_text(n: int) -> str:
    """n decisions, step i resting on steps 2i+1 and 2i+2 (a tree: the engine allows no chain of
    more than 100), every third a table; the leaves read the facts and a stale figure."""
    lines = ['input income : money "Household resources"', 'input size : integer 1..20 "Persons in the household"',
             'parameter fee : money "Flat fee" source guide checked 2020-01-01', "  from 2020-01-01 = 30 €", ""]
    for i in range(n):
        reads = [f"step{c}" for c in (2 * i + 1, 2 * i + 2) if c < n]
        title = f'decision step{i} : money "Amount after step {i}"'
        if not reads:
            lines.append(f'{title} = income + fee because "{{income}} plus the fee of {{fee}}."')
        elif i % 3 == 0:
            total, holes = " + ".join(reads), " and ".join("{" + r + "}" for r in reads)
            lines += [f"{title} hit first", f"  | {reads[0]} | size || step{i} | because",
                      f'  | > 1000 € | - || {total} - 1 € | "More than 1,000 € first: {holes} less a euro."',
                      f'  | otherwise | - || {total} + 2 € | "At most 1,000 € first: {holes} and two euros."']
        else:
            holes = " and ".join("{" + r + "}" for r in reads)
            lines.append(f'{title} = {" + ".join(reads)} + 1 € because "{holes}, and one euro more."')
    return "\n".join(lines) + "\n"


def exponent(xs: list, ys: list) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sum((x - mx) ** 2 for x in lx)


def length_rows(repeat: int, sizes: tuple):
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as folder:
        for shape in ("one answer", "all answers"):
            print(f"\n{'tree, ' + shape:<22}{'lines':>7}{'characters':>12}{'ours (µs)':>11}{'µs/line':>9}"
                  f"{'0.2.0 (µs)':>12}{'ratio':>8}")
            lengths, ours_times, theirs_times = [], [], []
            for n in sizes:
                path = Path(folder) / f"tree{n}.rules"
                path.write_text(tree_text(n), encoding="utf-8")
                rs = engine.load_ruleset(path)
                outputs = ["step0"] if shape == "one answer" else [f"step{i}" for i in range(n)]
                per_batch = max(1, 200 // n)
                traces = [rs.evaluate({"income": rng.randrange(0, 3000), "size": 2}, as_of=AS_OF,
                                      outputs=outputs).to_dict() for _ in range(per_batch * (repeat + 1))]
                batches = [traces[i:i + per_batch] for i in range(0, len(traces), per_batch)]
                ours, theirs = in_turns(batches, (ours_in("en"), theirs_in("en")))
                text = explain_trace(traces[0], "en")
                lines = text.count("\n")
                lengths.append(len(text))
                ours_times.append(ours)
                theirs_times.append(theirs)
                print(f"{f'{n} decisions':<22}{lines:>7,}{len(text):>12,}{ours * 1e6:>11,.0f}{ours * 1e6 / lines:>9.2f}"
                      f"{theirs * 1e6:>12,.0f}{theirs / ours:>7.1f}×")
            print(f"growth exponent (time ∝ characters^k): ours {exponent(lengths, ours_times):.2f}, "
                  f"0.2.0 {exponent(lengths, theirs_times):.2f}  (1 is linear)")


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="trees of 30 to 300 decisions, not 1,000")
    args = parser.parse_args(argv)
    wrap_rows(args.repeat)
    ruleset_rows(args.repeat)
    length_rows(args.repeat, (30, 100, 300) if args.quick else (30, 100, 300, 1000))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
