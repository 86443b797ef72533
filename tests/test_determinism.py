"""Determinism and concurrency: the same ruleset and facts give the same bytes, everywhere.

- `to_json()` and every explanation are byte-identical across runs, across fresh loads, and across
  processes with different PYTHONHASHSEED (set and dict orders must never leak into output);
  so is `verdict check`.
- One loaded ruleset evaluated from 8 threads at once gives exactly the serial results.

The target is the bundled ruleset when it loads (else tests/hostile_ruleset), and the hostile
ruleset, with fixed facts and facts drawn by the fuzzer's generator from a fixed seed.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import engine
from engine.errors import VerdictError
from engine.ruleset_files import load_yaml

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "rulesets" / "student_health"
HOSTILE = ROOT / "tests" / "hostile_ruleset"
EXAMPLE = ROOT / "examples" / "wang.yaml"
HOSTILE_FACTS = {"age": 30, "income": "20000", "status": "worker", "since": "2020-03-01", "tags": ["worker"]}


def rulesets() -> list[Path]:
    paths = [HOSTILE]
    try:
        engine.load_ruleset(BUNDLED)
        paths.insert(0, BUNDLED)
    except VerdictError:
        pass
    return paths


def cases(path: Path, count: int = 12) -> list[tuple[dict, str]]:
    """(facts, as_of) pairs for `path`: fixed ones, then random ones that evaluate, from a fixed seed."""
    from tests.fuzz import random_facts
    ruleset = engine.load_ruleset(path)
    fixed = []
    if path == BUNDLED and EXAMPLE.exists():
        example = load_yaml(EXAMPLE.read_text(encoding="utf-8"), "example")
        fixed.append((json.loads(json.dumps(example, default=str)), "2025-09-01"))  # dates as text
    if path == HOSTILE:
        fixed += [(HOSTILE_FACTS, "2024-09-01"), (dict(HOSTILE_FACTS, age=70, member=True), "2023-01-15")]
    found, rng, tries = list(fixed), random.Random(f"determinism:{path.name}"), 0
    while len(found) < count and tries < 2000:
        tries += 1
        facts, as_of, _ = random_facts(rng, ruleset)
        if not isinstance(facts, dict) or not isinstance(as_of, str) or any(
                not isinstance(k, str) for k in facts) or not _json_safe(facts):
            continue
        try:
            ruleset.evaluate(facts, as_of=as_of)
        except VerdictError:
            if rng.random() < 0.8:
                continue  # keep a few refusals: their messages must be deterministic too
        found.append((facts, as_of))
    return found


def _json_safe(facts) -> bool:
    try:
        json.dumps(facts)
        return True
    except (TypeError, ValueError, RecursionError):
        return False


def fingerprint(ruleset, facts: dict, as_of: str, languages=None) -> str:
    """The bytes a user can see for one evaluation: the trace and each explanation, or the error."""
    try:
        verdict = ruleset.evaluate(facts, as_of=as_of)
        parts = [verdict.to_json()] + [verdict.explain(lang) for lang in languages or ruleset.files.languages]
    except VerdictError as error:
        parts = ["error", error.render()]
    return "\x00".join(parts)


SCRIPT = r"""
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
import engine
from engine.errors import render_all
from tests.test_determinism import fingerprint
job = json.load(sys.stdin)
out = {}
for path, items in job.items():
    ruleset = engine.load_ruleset(path)
    out[path] = [hashlib.sha256(fingerprint(ruleset, facts, as_of).encode()).hexdigest() for facts, as_of in items]
    out[path].append(hashlib.sha256(render_all(ruleset.check(), ruleset.files.rule_texts).encode()).hexdigest())
print(json.dumps(out, sort_keys=True))
"""


@pytest.fixture(scope="module")
def job() -> dict:
    return {str(path): cases(path) for path in rulesets()}


def test_the_same_facts_give_the_same_bytes_in_one_process(job):
    for path, items in job.items():
        first, second = engine.load_ruleset(path), engine.load_ruleset(path)
        for facts, as_of in items:
            once = fingerprint(first, facts, as_of)
            assert fingerprint(first, facts, as_of) == once
            assert fingerprint(second, facts, as_of) == once


def test_the_same_facts_give_the_same_bytes_whatever_the_hash_seed(job):
    results = []
    for seed in ("0", "4242", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], input=json.dumps(job), capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=300)
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
    assert all(r == results[0] for r in results[1:]), "output depends on PYTHONHASHSEED"
    here = {}
    from engine.errors import render_all
    for path, items in job.items():
        ruleset = engine.load_ruleset(path)
        here[path] = [hashlib.sha256(fingerprint(ruleset, f, a).encode()).hexdigest() for f, a in items]
        here[path].append(hashlib.sha256(render_all(ruleset.check(), ruleset.files.rule_texts).encode()).hexdigest())
    assert results[0] == here


def test_the_command_line_output_does_not_depend_on_the_hash_seed(tmp_path):
    path = rulesets()[0]
    facts_file = tmp_path / "facts.json"
    facts, as_of = cases(path, count=1)[0]
    facts_file.write_text(json.dumps(facts))
    outputs = set()
    for seed in ("0", "77"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        for argv in (["eval", str(path), "--facts", str(facts_file), "--as-of", as_of, "--format", "json"],
                     ["eval", str(path), "--facts", str(facts_file), "--as-of", as_of],
                     ["check", str(path)]):
            done = subprocess.run([sys.executable, "-m", "engine", *argv], capture_output=True, env=env, cwd=ROOT,
                                  timeout=120)
            outputs.add((tuple(argv), done.returncode, done.stdout, done.stderr))
    assert len(outputs) == 3, "the same command printed different bytes under another hash seed"


def test_eight_threads_on_one_ruleset_give_the_serial_results(job):
    for path, items in job.items():
        ruleset = engine.load_ruleset(path)
        lang = [ruleset.files.language]
        items = items[:8]
        serial = [fingerprint(ruleset, facts, as_of, lang) for facts, as_of in items]
        rounds = 2
        barrier = threading.Barrier(8)
        results: dict[int, list] = {}
        failures: list = []

        def worker(number: int):
            try:
                order = list(range(len(items)))
                random.Random(number).shuffle(order)  # each thread in its own order
                barrier.wait(timeout=60)
                got = {}
                for _ in range(rounds):
                    for index in order:
                        facts, as_of = items[index]
                        text = fingerprint(ruleset, facts, as_of, lang)
                        if index in got and got[index] != text:
                            failures.append((number, index, "changed between rounds"))
                        got[index] = text
                results[number] = [got[i] for i in range(len(items))]
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append((number, repr(error)))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not failures, failures
        assert len(results) == 8
        for number, got in results.items():
            assert got == serial, f"thread {number} differs from the serial results on {path}"
