"""A brief run of the fuzzer (tests/fuzz.py) inside `make test`, and checks of the harness itself.

`make fuzz` runs 20,000 inputs; this runs a few hundred in a few seconds, from a fixed seed, so a
failure here is reproducible with `python -m tests.fuzz --replay SEED:INDEX`.
"""
from __future__ import annotations

import random
import time

import pytest

from tests import fuzz

BRIEF_SEED = 1
BRIEF_COUNT = 400
BRIEF_SECONDS = 8.0


def test_a_brief_fuzz_run_finds_no_crash_and_no_hang():
    report = fuzz.run(count=BRIEF_COUNT, seconds=BRIEF_SECONDS, seed=BRIEF_SEED, budget=2.0)
    assert report.ok, report.render()
    assert report.tried >= 100, report.render()
    assert set(report.by_kind) >= {"rules", "facts"}, report.render()
    assert report.by_status.get("ok", 0) > 0, "some inputs must get through to a verdict\n" + report.render()


def test_inputs_depend_on_the_seed_and_index_only():
    fuzzer = fuzz.Fuzzer(seed=3)
    try:
        for index in (0, 1, 57):
            first, second = fuzzer.run_one(index), fuzzer.run_one(index)
            assert (first.kind, first.data, first.status) == (second.kind, second.data, second.status)
    finally:
        import shutil
        shutil.rmtree(fuzzer.workdir, ignore_errors=True)


def test_the_tokenizer_gives_back_the_text_it_was_given():
    for name, data in fuzz.corpus_texts():
        text = data.decode("utf-8", errors="replace")
        assert fuzz.detokenize(fuzz.tokenize(text)) == text, name


def test_mutants_differ_from_their_source_and_cover_every_operation():
    rng = random.Random(0)
    name, data = fuzz.corpus_texts()[0]
    mutants = {fuzz.mutate_rules(rng, data, [data]) for _ in range(200)}
    assert len(mutants) > 150
    assert any(b"\xef\xbb\xbf" in m or b"\xff" in m for m in mutants)  # byte-level mutations happen


def test_an_input_over_its_budget_is_reported_as_a_hang(monkeypatch):
    fuzzer = fuzz.Fuzzer(seed=0, budget=0.2)
    try:
        monkeypatch.setattr(fuzzer, "kind_of", lambda index: "facts")
        def spin(rng, outcome):  # a hang spends CPU time (the budget's clock), sleeping would not
            while time.perf_counter() - started < 5:
                pass
        monkeypatch.setattr(fuzzer, "_facts", spin)
        started = time.perf_counter()
        outcome = fuzzer.run_one(0)
        assert outcome.status == "hang"
        assert time.perf_counter() - started < 2
    finally:
        import shutil
        shutil.rmtree(fuzzer.workdir, ignore_errors=True)


def test_an_exception_other_than_a_verdict_error_is_a_crash(monkeypatch):
    fuzzer = fuzz.Fuzzer(seed=0)
    try:
        monkeypatch.setattr(fuzzer, "kind_of", lambda index: "facts")

        def broken(rng, outcome):
            raise KeyError("simulated")
        monkeypatch.setattr(fuzzer, "_facts", broken)
        outcome = fuzzer.run_one(0)
        assert outcome.status == "crash" and outcome.error.startswith("KeyError")
    finally:
        import shutil
        shutil.rmtree(fuzzer.workdir, ignore_errors=True)


@pytest.mark.parametrize("kind, error, where, known", [
    ("trace", "TypeError", "trace/verdict.py:explain_trace", True),
    ("rules", "TypeError", "trace/verdict.py:explain_trace", False),   # only traces are excused there
    ("rules", "RecursionError", "syntax/parse.py:parse", False),
    ("facts", "InvalidOperation", "compiler/compile.py:<lambda>", True),
])
def test_known_crashes_are_narrow(kind, error, where, known):
    assert fuzz.is_known(kind, error, where) is known
