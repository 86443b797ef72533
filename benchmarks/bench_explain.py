"""stage: explanation text → time of line breaking and of a whole explanation, side by side in one run.

- wrap: engine/locale/linebreak.wrap on texts of 1×, 8× and 64× the words, against the 0.2.0 wrap
  (it re-measured the line for every word). A linear wrap takes ~8× longer for 8× the text.
- explain: the bundled ruleset, every decision of Wang's verdict, traced and explained, in en/fr/zh.

Run: .venv/bin/python benchmarks/bench_explain.py [--repeat N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import yaml  # noqa: E402

import engine  # noqa: E402
from engine.locale.linebreak import wrap  # noqa: E402

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


def main(argv) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args(argv).repeat
    unit = ("Les ressources de votre foyer ne dépassent pas le plafond : vous avez droit à la "
            "Complémentaire santé solidaire. 您家庭的收入没有超过免费补充医疗保障的上限，您就有资格免费享受。 ")
    print(f"{'text':<22}{'wrap (µs)':>11}{'µs/1k chars':>13}{'0.2.0 wrap (µs)':>17}{'µs/1k chars':>13}")
    for times in (1, 8, 64):
        text = unit * times * 10
        ours = best(lambda: wrap(text, 88), repeat) * 1e6
        theirs = best(lambda: old_wrap(text, 88), repeat) * 1e6
        per = 1000 / len(text)
        print(f"{len(text):>8} characters{'':<4}{ours:>11.0f}{ours * per:>13.1f}{theirs:>17.0f}{theirs * per:>13.1f}")
    print("(a linear wrap keeps µs/1k chars flat, up to memory effects; a quadratic one grows 8× per row)")
    rs = engine.load_ruleset(os.path.join(ROOT, "rulesets", "student_health"))
    facts = yaml.safe_load(open(os.path.join(ROOT, "examples", "wang.yaml"), encoding="utf-8"))
    as_of = dt.date(2025, 9, 1)
    print(f"\n{'whole ruleset, Wang':<28}{'to_dict+explain (µs)':>22}")
    for lang in ("en", "fr", "zh"):
        took = best(lambda: rs.evaluate(facts, as_of=as_of).explain(lang), repeat) * 1e6
        print(f"{lang:<28}{took:>22.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
