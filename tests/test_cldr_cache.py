"""engine/locale/cldr_cache: the CLDR entries an explanation reads, kept between runs; Babel formats
as before (same text), and an entry not signed with the user's key is never read."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel import Locale, dates, lists, numbers, units

from engine.locale import cldr_cache, formatting

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["en_GB", "fr_FR", "zh_Hans_CN"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    place = tmp_path / "cache"
    monkeypatch.setenv("VERDICT_CACHE_DIR", str(place))
    monkeypatch.delenv("VERDICT_CACHE", raising=False)
    monkeypatch.setattr(cldr_cache, "_ENABLED", [True])
    formatting._locale.cache_clear()
    yield place
    formatting._locale.cache_clear()


def written(locale) -> list:
    """What the explanations ask of Babel, and two things they do not (days, a unit pattern)."""
    return [dates.format_date(dt.date(2025, 3, 1), "long", locale=locale),
            dates.format_date(dt.date(2001, 12, 14), "long", locale=locale),
            numbers.format_currency(Decimal("10339.00"), "EUR", locale=locale),
            numbers.format_currency(Decimal("-0.50"), "EUR", locale=locale),
            numbers.format_decimal(Decimal("1234.705"), locale=locale, decimal_quantization=False),
            numbers.format_percent(Decimal("0.7"), locale=locale, decimal_quantization=False),
            locale.territories["DE"], locale.territories.get("XX", "XX"),
            lists.format_list(["a", "b", "c"], locale=locale),
            dates.format_date(dt.date(2025, 3, 3), "EEEE", locale=locale),
            units.format_unit(30, "duration-day", length="long", locale=locale)]


@pytest.mark.parametrize("name", LOCALES)
def test_babel_writes_the_same_text_from_the_kept_entries(folder, name):
    made = cldr_cache.cached_locale(name)  # no entry yet: read from Babel's files, then kept
    assert type(made) is not Locale and isinstance(made, Locale)
    assert written(made) == written(Locale.parse(name))
    entries = list(folder.glob("cldr-*.pickle"))
    assert len(entries) == 1 and oct(entries[0].stat().st_mode & 0o777) == "0o600"
    again = cldr_cache.cached_locale(name)  # a new Locale: its entries come from the cache now
    assert written(again) == written(Locale.parse(name))


def test_the_kept_entries_are_read_back_and_an_entry_not_kept_reads_the_whole_data(folder, monkeypatch):
    from babel import core, localedata
    likely = core.get_global("likely_subtags")
    cldr_cache.cached_locale("en_GB").date_formats  # noqa: B018 - keeps the entries
    monkeypatch.setattr(core, "_global_data", None)  # as in a new process: global.dat not read yet
    monkeypatch.setattr(localedata, "load", lambda *a, **k: pytest.fail("whole data read"))
    monkeypatch.setattr(core.pickle, "load", lambda *a, **k: pytest.fail("global.dat read"))
    kept = cldr_cache.cached_locale("en_GB")
    assert formatting.format_date(dt.date(2025, 9, 1), "en") == "1\u00a0September\u00a02025"
    assert formatting.format_money("10339", "en") == "€10,339.00"
    assert str(kept.date_formats["long"]) == "d MMMM y" and kept.territories["FR"] == "France"
    assert isinstance(core._global_data, cldr_cache._GlobalEntries)
    monkeypatch.undo()
    monkeypatch.setattr(core, "_global_data", core._global_data)  # put back after the test, as it was
    assert kept.days["format"]["wide"][0] == "Monday"  # not kept: Babel's whole data, read then
    assert core.get_global("likely_subtags") == likely  # likewise global.dat, read whole by Babel
    assert type(core._global_data) is dict


def test_an_entry_not_signed_with_the_users_key_is_never_read(folder):
    cldr_cache.cached_locale("en_GB").date_formats  # noqa: B018
    entry = next(folder.glob("cldr-*.pickle"))
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF  # an edit by anyone without the key
    entry.write_bytes(bytes(data))
    assert cldr_cache._kept_entries("en_GB")[0]["territories"]["DE"] == "Germany"  # Babel's own data, rewritten
    assert entry.read_bytes() != bytes(data)


def test_another_babel_is_another_entry(folder, monkeypatch):
    import babel
    first = cldr_cache._entry_key("en_GB")
    monkeypatch.setattr(babel, "__version__", babel.__version__ + ".post1")
    assert cldr_cache._entry_key("en_GB") != first
    assert cldr_cache._entry_key("fr_FR") != first


def test_off_without_the_command_or_with_verdict_cache_0(folder, monkeypatch):
    monkeypatch.setattr(cldr_cache, "_ENABLED", [])
    assert type(cldr_cache.cached_locale("en_GB")) is Locale
    monkeypatch.setattr(cldr_cache, "_ENABLED", [True])
    monkeypatch.setenv("VERDICT_CACHE", "0")
    assert written(cldr_cache.cached_locale("fr_FR")) == written(Locale.parse("fr_FR"))
    assert not folder.exists() or not list(folder.glob("cldr-*.pickle"))


def test_a_second_process_explains_with_the_kept_entries_word_for_word(tmp_path):
    command = [sys.executable, "-m", "engine", "eval", "rulesets/student_health", "--facts", "examples/wang.yaml",
               "--as-of", "2025-09-01", "--lang", "fr"]
    env = {"VERDICT_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    plain = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=dict(env, VERDICT_CACHE="0"))
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert plain.returncode == first.returncode == second.returncode == 0
    assert "1er\u00a0septembre\u00a02025" in plain.stdout
    assert second.stdout == first.stdout == plain.stdout
    assert len(list((tmp_path / "cache").glob("cldr-*.pickle"))) == 1
