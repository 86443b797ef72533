"""engine/cache: the parsed rules kept between processes, safely (a signed pickle in a private folder)."""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine import cache
from engine.trace.verdict import ENGINE_VERSION

ROOT = Path(__file__).resolve().parent.parent
STUDENT_HEALTH = ROOT / "rulesets" / "student_health"
FACTS = {"household_size": 2, "annual_resources": 16000, "territory": "metropole"}


@pytest.fixture
def folder(tmp_path, monkeypatch):
    place = tmp_path / "cache"
    monkeypatch.setenv("VERDICT_CACHE_DIR", str(place))
    monkeypatch.delenv("VERDICT_CACHE", raising=False)
    return place


def css(ruleset):
    return ruleset.evaluate(FACTS, as_of="2025-09-01", outputs=["css_status"]).to_dict()


def test_a_second_load_comes_from_the_cache_and_gives_the_same_verdict(folder, monkeypatch):
    first = cache.load_ruleset_cached(STUDENT_HEALTH)
    plain = engine.load_ruleset(STUDENT_HEALTH)
    entries = list(folder.glob("*.pickle"))
    assert len(entries) == 1 and oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct(entries[0].stat().st_mode & 0o777) == "0o600" and oct((folder / "key").stat().st_mode & 0o777) == "0o600"
    from engine import ruleset as stage
    monkeypatch.setattr(stage, "_front_end", lambda path: pytest.fail("parsed again"))
    second = cache.load_ruleset_cached(STUDENT_HEALTH)
    assert css(second) == css(first) == css(plain)
    assert css(second)["outputs"] == {"css_status": "participation"}


class Planted:
    """A pickle that, if ever loaded, leaves a file behind."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_an_entry_not_signed_with_the_users_key_is_never_unpickled(folder, tmp_path):
    cache.load_ruleset_cached(STUDENT_HEALTH)
    entry = next(folder.glob("*.pickle"))
    marker = tmp_path / "ran"
    body = pickle.dumps(Planted(str(marker)))
    for tag in (b"\0" * 32, entry.read_bytes()[:32]):  # no signature, another entry's signature
        entry.write_bytes(tag + body)
        ruleset = cache.load_ruleset_cached(STUDENT_HEALTH)
        assert not marker.exists()
        assert css(ruleset)["outputs"] == {"css_status": "participation"}
    assert entry.read_bytes()[32:] != body  # replaced by a good entry


def test_a_folder_others_can_write_to_is_not_used(folder):
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o777)
    assert cache.cache_folder() is None
    assert css(cache.load_ruleset_cached(STUDENT_HEALTH))["outputs"] == {"css_status": "participation"}
    assert list(folder.iterdir()) == []


def test_a_key_readable_by_others_is_not_used(folder):
    cache.load_ruleset_cached(STUDENT_HEALTH)
    os.chmod(folder / "key", 0o644)
    assert cache._secret(folder) is None


def test_an_edit_of_the_rules_is_a_new_entry(folder, tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(STUDENT_HEALTH, copy)
    assert css(cache.load_ruleset_cached(copy))["outputs"] == {"css_status": "participation"}
    path = copy / "css_ceilings.rules"
    path.write_text(path.read_text(encoding="utf-8").replace("| 15508 €", "| 16508 €", 1), encoding="utf-8")
    assert css(cache.load_ruleset_cached(copy))["outputs"] == {"css_status": "free"}
    assert len(list(folder.glob("*.pickle"))) == 2


def test_rules_with_errors_are_refused_as_without_the_cache_and_not_kept(folder, tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text("decision d : integer = nothing_here\n", encoding="utf-8")
    with pytest.raises(engine.RuleError) as cached:
        cache.load_ruleset_cached(bad)
    with pytest.raises(engine.RuleError) as plain:
        engine.load_ruleset(bad)
    assert str(cached.value) == str(plain.value)
    assert list(folder.glob("*.pickle")) == []


def test_verdict_cache_0_turns_it_off(folder, monkeypatch):
    monkeypatch.setenv("VERDICT_CACHE", "0")
    cache.load_ruleset_cached(STUDENT_HEALTH)
    assert not folder.exists()


def test_the_package_version_is_the_engines():
    assert engine.__version__ == ENGINE_VERSION


def test_a_cached_eval_imports_neither_the_parser_nor_the_other_commands(folder, tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("household_size: 2\nannual_resources: 16000\nterritory: metropole\n", encoding="utf-8")
    program = ("import sys\nfrom engine.cli import main\n"
               f"code = main(['eval', {str(STUDENT_HEALTH)!r}, '--facts', {str(facts)!r}, '--as-of', '2025-09-01', "
               "'--output', 'css_status'])\n"
               "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'starlette', 'pygls', 'uvicorn') "
               "or m.split('.')[:2] in (['engine', 'serve'], ['engine', 'dmn'], ['engine', 'lsp'], ['engine', 'fmt']))\n"
               "sys.stderr.write(repr((code, heavy)))\n")
    env = dict(os.environ, VERDICT_CACHE_DIR=str(folder))
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, cwd=ROOT)
            for _ in range(2)]
    assert "participation" in runs[1].stdout and runs[0].stdout == runs[1].stdout
    assert runs[1].stderr == "(0, [])"
    assert "lark" in runs[0].stderr  # the first run parsed the rules


def test_a_pipe_or_a_link_among_the_sources_is_never_read_for_the_key(folder, tmp_path):
    copy = tmp_path / "rules"
    shutil.copytree(STUDENT_HEALTH, copy)
    os.mkfifo(copy / "stuck.rules")  # reading it would wait forever
    with pytest.raises(OSError):
        cache._entry_key(copy)
    with pytest.raises(engine.RuleError) as cached:
        cache.load_ruleset_cached(copy)
    with pytest.raises(engine.RuleError) as plain:
        engine.load_ruleset(copy)
    assert str(cached.value) == str(plain.value)
    os.unlink(copy / "stuck.rules")
    os.symlink(STUDENT_HEALTH / "css.rules", copy / "linked.rules")
    with pytest.raises(OSError):
        cache._entry_key(copy)


def test_the_collector_is_paused_while_an_entry_is_unpickled_and_resumed_after(folder, monkeypatch):
    import gc
    cache.load_ruleset_cached(STUDENT_HEALTH)
    seen = []
    real = pickle.loads
    monkeypatch.setattr(cache.pickle, "loads", lambda data: (seen.append(gc.isenabled()), real(data))[1])
    assert gc.isenabled()
    assert css(cache.load_ruleset_cached(STUDENT_HEALTH))["outputs"] == {"css_status": "participation"}
    assert seen == [False] and gc.isenabled()
