"""A new process: `verdict eval` from start to end, against `python -c pass`, with and without the
compiled-ruleset cache (engine/cache), and the load of the bundled ruleset inside a new process.

    python benchmarks/bench_load.py

The runs are taken in turns (pass, eval cached, eval uncached, load) so that a change of the
machine's load falls on all alike; each figure is the median of 9 runs, after one that warms the
caches (the disk's, Lark's, verdict's, Python's bytecode). The processes may write their
bytecode (`.pyc`) as an installed package has it: an environment with PYTHONDONTWRITEBYTECODE
would otherwise recompile every module of the engine in every run (about twice the time), which
is no user's case; the bytecode goes to a temporary PYTHONPYCACHEPREFIX, not into the tree. Targets: a cached `verdict eval` ≤ 3× `python -c pass`
plus the cached load; the cached load ≤ 50 ms.

    python benchmarks/bench_load.py --against ../main/.venv/bin/verdict

also runs another installation's `verdict eval` (the code before a change, say) in the same turns,
with its own cache folder, so that the two are compared under the same load.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Row, print_table

RULESET = str(ROOT / "rulesets" / "student_health")
FACTS = str(ROOT / "examples" / "wang.yaml")
VERDICT = str(Path(sys.executable).parent / "verdict")
LOAD = """
import sys, time, json
start = time.perf_counter()
from engine.cache import load_ruleset_cached
import engine.ruleset
imported = time.perf_counter()
ruleset = load_ruleset_cached(sys.argv[1])
print(json.dumps({"imports": imported - start, "load": time.perf_counter() - imported}))
"""
RUNS = 9
# What attrs costs inside a cached `verdict eval` (STYLE: frozen attrs classes for the AST and the
# results): its import, then the making of each class (engine/ast.py, the models, the results),
# timed in the command's own process: what is left of the bound once Python has started and attrs
# has made the classes is what the rest of the command may cost.
ATTRS_IN_EVAL = """
import gc, json, sys, io, contextlib, time
gc.disable()  # as engine/cli.py pauses it while its modules load
start = time.perf_counter()
import attrs, attr._next_gen as made
imported = time.perf_counter() - start
spent, classes, make = [0.0], [0], made.attrs
def timed(*args, **kwargs):  # (engine's classes are made by attrs.frozen / define, which call this)
    began = time.perf_counter()
    cls = make(*args, **kwargs)
    spent[0] += time.perf_counter() - began
    classes[0] += 1
    return cls
made.attrs = timed
gc.enable()
from engine.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
sys.__stdout__.write(json.dumps({"import": imported, "classes": spent[0], "count": classes[0]}))
"""


def run(against: str = None) -> list:
    with tempfile.TemporaryDirectory() as folder:
        plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        plain["PYTHONPYCACHEPREFIX"] = os.path.join(folder, "pycache")
        cached = dict(plain, VERDICT_CACHE_DIR=os.path.join(folder, "verdict"))
        uncached = dict(plain, VERDICT_CACHE="0")
        commands = {
            "pass": ([sys.executable, "-c", "pass"], cached),
            "cached": ([VERDICT, "eval", RULESET, "--facts", FACTS, "--as-of", "2025-09-01", "--output", "css_status"],
                       cached),
            "uncached": ([VERDICT, "eval", RULESET, "--facts", FACTS, "--as-of", "2025-09-01", "--output",
                          "css_status"], uncached),
        }
        if against:
            commands["against"] = ([against] + commands["cached"][0][1:],
                                   dict(plain, VERDICT_CACHE_DIR=os.path.join(folder, "against")))
        times = {name: [] for name in commands}
        loads, imports, in_eval = [], [], []
        for attempt in range(RUNS + 1):
            for name, (command, env) in commands.items():
                start = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
                if attempt:
                    times[name].append(time.perf_counter() - start)
            done = subprocess.run([sys.executable, "-c", LOAD, RULESET], check=True, capture_output=True, env=cached,
                                  cwd=ROOT)
            attrs_done = subprocess.run([sys.executable, "-c", ATTRS_IN_EVAL] + commands["cached"][0][1:],
                                        check=True, capture_output=True, env=cached, cwd=ROOT)
            if attempt:
                found = json.loads(done.stdout)
                loads.append(found["load"])
                imports.append(found["imports"])
                in_eval.append(json.loads(attrs_done.stdout))
    median = {name: statistics.median(found) for name, found in times.items()}
    load = statistics.median(loads)
    bound = 3 * median["pass"] + load
    attrs_import = statistics.median(found["import"] for found in in_eval)
    attrs_classes = statistics.median(found["classes"] for found in in_eval)
    return [
        Row("new process", "python -c pass", median["pass"], unit="ms"),
        Row("new process", "verdict eval (1 output), cached rules", median["cached"], unit="ms",
            reference=bound, reference_name="3× pass + load", target="≤ 1×", met=median["cached"] <= bound),
        Row("new process", "verdict eval (1 output), VERDICT_CACHE=0", median["uncached"], unit="ms",
            reference=median["cached"], reference_name="cached"),
        Row("new process", "load_ruleset_cached(student_health), the call", load, unit="ms", target="≤ 50 ms",
            met=load <= 0.05),
        Row("new process", "its imports (engine.cache, engine.ruleset)", statistics.median(imports), unit="ms"),
        Row("new process", f"attrs inside the cached verdict eval: its import, {in_eval[0]['count']} classes made",
            attrs_import + attrs_classes, unit="ms", reference=bound - median["pass"],
            reference_name="bound less pass",
            note=f"attrs' import {attrs_import * 1000:.0f} ms, the engine's frozen attrs classes (the AST, the "
                 f"models, the results) {attrs_classes * 1000:.0f} ms: the share of what the bound leaves "
                 "beyond Python's own start that attrs takes"),
        Row("new process", "the rest of it (engine code, standard modules, the load, the evaluation)",
            median["cached"] - median["pass"] - attrs_import - attrs_classes, unit="ms",
            reference=bound - median["pass"] - attrs_import - attrs_classes, reference_name="what the bound leaves"),
    ] + ([Row("new process", f"verdict eval (1 output), cached rules, {against}", median["against"], unit="ms",
              reference=bound, reference_name="3× pass + load", target="≤ 1×", met=median["against"] <= bound),
          Row("new process", "verdict eval (1 output), cached rules: this one against that one", median["cached"],
              unit="ms", reference=median["against"], reference_name="that one")] if against else [])


if __name__ == "__main__":
    other = sys.argv[sys.argv.index("--against") + 1] if "--against" in sys.argv else None
    other = os.path.abspath(other) if other else None
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    print_table(run(other))
