"""engine/locale/kept_shapes: the number and date shapes of an explanation, kept between runs of
`verdict`: read back they are the shapes Babel's data gives, they write the same text, a second
process needs no Babel for them, and an entry not signed with the user's key is never read."""
from __future__ import annotations

import datetime as dt
import importlib.util
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from engine import cache
from engine.explain import values as explain_values
from engine.locale import cldr_cache, formatting, kept_shapes

ROOT = Path(__file__).resolve().parent.parent
VALUES = [Decimal("10339.00"), Decimal("-0.50"), Decimal("1234.705"), Decimal("0.7"), Decimal("1E+20"),
          Decimal("-12345678.9"), Decimal("0"), Decimal("Infinity"), Decimal("NaN")]
DAYS = [dt.date(2025, 9, 1), dt.date(2001, 3, 14), dt.date(1, 1, 1), dt.date(9999, 12, 31)]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    place = tmp_path / "cache"
    monkeypatch.setenv("VERDICT_CACHE_DIR", str(place))
    monkeypatch.delenv("VERDICT_CACHE", raising=False)
    monkeypatch.setattr(cldr_cache, "_ENABLED", [True])
    monkeypatch.setattr(explain_values, "_SHAPES", {})
    monkeypatch.setattr(explain_values, "_DATE_SHAPES", {})
    formatting._locale.cache_clear()
    yield place
    formatting._locale.cache_clear()


def texts(numbers: dict, date_shape, lang: str) -> list:
    found = [numbers[kind].format(value, quantize=kind == "money") for kind in kept_shapes.KINDS for value in VALUES]
    if date_shape is not None:
        form, fields, months = date_shape
        found += [form % {name: explain_values._DATE_FIELDS[name](day, months) for name in fields} for day in DAYS]
    return found


@pytest.mark.parametrize("lang", ["en", "fr", "zh", "xx"])
def test_the_shapes_read_back_are_babels_and_write_its_text(folder, lang):
    made = kept_shapes.made_shapes(lang)
    first = kept_shapes.language_shapes(lang)  # none kept yet: made from Babel, then kept
    entries = list(folder.glob("shapes-*.pickle"))
    assert len(entries) == 1 and oct(entries[0].stat().st_mode & 0o777) == "0o600"
    again = kept_shapes.language_shapes(lang)  # read back from the entry
    for shapes in (first, again):
        assert {kind: kept_shapes._state(s) for kind, s in shapes[0].items()} == \
            {kind: kept_shapes._state(s) for kind, s in made[0].items()}
        assert shapes[1] == made[1]
        assert texts(shapes[0], shapes[1], lang) == texts(made[0], made[1], lang)
    # what the explanation writes with them is what Babel writes
    assert [again[0]["money"].format(v, quantize=True) for v in VALUES] == [formatting.format_money(v, lang)
                                                                            for v in VALUES]
    assert [again[0]["percent"].format(v, quantize=False) for v in VALUES] == [formatting.format_percent(v, lang)
                                                                              for v in VALUES]
    assert [again[0]["number"].format(v, quantize=False) for v in VALUES] == [formatting.format_number(v, lang)
                                                                             for v in VALUES]
    assert [explain_values.long_date(day, lang) for day in DAYS] == [formatting.format_date(day, lang) for day in DAYS]


def test_the_shapes_are_those_of_the_text_an_explanation_writes(folder):
    assert explain_values.scalar_text({}, "en", "10339", "money") == "€10,339.00"
    assert explain_values.scalar_text({}, "fr", "2025-09-01", "date") == "1er\u00a0septembre\u00a02025"
    assert list(folder.glob("shapes-*.pickle"))  # kept for the next process
    explain_values._SHAPES.clear()
    explain_values._DATE_SHAPES.clear()
    assert explain_values.scalar_text({}, "fr", "10339", "money") == "10\u202f339,00\u00a0€"
    assert explain_values.scalar_text({}, "en", "2025-09-01", "date") == "1\u00a0September\u00a02025"


def test_an_entry_not_signed_with_the_users_key_is_never_read(folder):
    kept_shapes.language_shapes("en")
    entry = next(folder.glob("shapes-*.pickle"))
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF  # an edit by anyone without the key
    entry.write_bytes(bytes(data))
    assert cache._read(str(folder), str(entry)) is None
    numbers, _ = kept_shapes.language_shapes("en")  # made from Babel again, and the entry rewritten
    assert numbers["money"].format(Decimal("9000"), quantize=True) == "€9,000.00"
    assert entry.read_bytes() != bytes(data) and cache._read(str(folder), str(entry)) is not None


def test_another_babel_another_language_or_another_engine_is_another_entry(folder, monkeypatch, tmp_path):
    home = tmp_path / "babel"
    (home / "locale-data").mkdir(parents=True)
    for name in kept_shapes.BABEL_MODULES:
        (home / name).write_text("", encoding="utf-8")
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name: importlib.machinery.ModuleSpec(name, None, origin=str(home / "__init__.py")))
    first = kept_shapes._entry_key("en", "engine-1")
    assert kept_shapes._entry_key("en", "engine-1") == first
    assert kept_shapes._entry_key("fr", "engine-1") != first
    assert kept_shapes._entry_key("en", "engine-2") != first
    (home / "numbers.py").write_text("# another Babel\n", encoding="utf-8")
    second = kept_shapes._entry_key("en", "engine-1")
    assert second != first
    (home / "locale-data" / "en_GB.dat").write_bytes(b"other CLDR data")
    assert kept_shapes._entry_key("en", "engine-1") != second
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # no Babel at all: nothing kept
    assert kept_shapes._entry("en") is None


def test_off_without_the_command_or_with_verdict_cache_0(folder, monkeypatch):
    monkeypatch.setattr(cldr_cache, "_ENABLED", [])
    assert kept_shapes.language_shapes("en") is None
    assert explain_values.scalar_text({}, "en", "10339", "money") == "€10,339.00"
    monkeypatch.setattr(cldr_cache, "_ENABLED", [True])
    monkeypatch.setenv("VERDICT_CACHE", "0")
    assert kept_shapes.language_shapes("en") is None
    assert not folder.exists() or not list(folder.glob("shapes-*.pickle"))


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_a_second_process_explains_numbers_and_dates_without_babel_word_for_word(tmp_path, lang):
    words = ["eval", "rulesets/student_health", "--facts", "examples/wang.yaml", "--as-of", "2025-09-01",
             "--output", "css_status", "--lang", lang]
    program = ("import sys\nfrom engine.cli import main\n"
               f"code = main({words!r})\n"
               "sys.stderr.write(repr((code, sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))))\n")
    env = dict(os.environ, VERDICT_CACHE_DIR=str(tmp_path / "cache"))
    plain = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True,
                           env=dict(env, VERDICT_CACHE="0"))
    first = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, env=env)
    second = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, env=env)
    assert "babel.numbers" in plain.stderr and "babel.numbers" in first.stderr
    assert second.stderr == "(0, [])"
    assert second.stdout == first.stdout == plain.stdout and "2025" in plain.stdout
