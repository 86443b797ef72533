"""kept_shapes: the shapes an explanation writes numbers and dates by, kept between runs of `verdict`.

engine/explain/values.py writes money, numbers and percentages by the locale's patterns read once
(explain_numbers.NumberShape), and a date by the shape of the locale's long date pattern. Reading
them takes Babel: importing it (babel.core, numbers, dates, with zoneinfo) and the locale's CLDR
entries, some 7 ms of a `verdict eval`, where the rest of its explanation takes about 1. Once read
they are a few texts and numbers (the signs, the grouping, the prefixes and suffixes, the date's
%-format and the month names): the `verdict` command keeps them on disk, and the next process
writes its numbers and dates from them without importing Babel at all.

    language_shapes("en") → ({"number": NumberShape, "percent": …, "money": …}, date shape or None),
                            or None when they are not kept (not the `verdict` command, no cache)

A shape read back is the one Babel's data gave, field for field (tests/test_kept_shapes.py):
what it does not cover (a scientific pattern, a value that is not finite) is still handed to
Babel, through `formatting`, as when the shape was made in the process. Country names, lists and
durations are Babel's as before.

Where it is kept, and why it is safe to read back: in the folder of the compiled-ruleset cache
(engine/cache), signed with the same per-user key, read only when the signature verifies, as the
CLDR entries are (engine/locale/cldr_cache.py). The entry's name is the SHA-256 of FORMAT, the
language, the engine's code (engine.cache's fingerprint: the shapes are made by its modules), and
the name, size and modification time of Babel's modules and of the locale's data files (its own,
its shorter names', English's and root's, global.dat), found without importing Babel: another
Babel, other CLDR data or another engine is another entry. Only when the `verdict` command has
turned the CLDR cache on (`cldr_cache.enable()`); `VERDICT_CACHE=0` turns it off.
"""
from __future__ import annotations

import hashlib
import os

from engine.locale import cldr_cache, formatting

FORMAT = b"verdict-explanation-shapes-1"
KINDS = ("number", "percent", "money")
# Babel's modules that the shapes are read through (its version is in __init__.py)
BABEL_MODULES = ("__init__.py", "core.py", "dates.py", "localedata.py", "numbers.py", "plural.py")


def language_shapes(lang: str):
    """The number shapes and the long date's shape of `lang` when the `verdict` command keeps
    them: the kept ones, else made from Babel and kept. None when they are not kept (the caller
    makes each from Babel when first needed, as always)."""
    entry = _entry(lang)
    if entry is None:
        return None
    from engine import cache
    kept = cache._read(*entry)
    if _well_formed(kept):
        states, date_shape = kept
        return {kind: _restored(states[kind], kind, lang) for kind in KINDS}, date_shape
    numbers, date_shape = made_shapes(lang)
    cache._write(*entry, ({kind: _state(numbers[kind]) for kind in KINDS}, date_shape))
    return numbers, date_shape


def made_shapes(lang: str) -> tuple:
    """The shapes as Babel's data gives them in this process."""
    from engine.explain.number_patterns import shapes
    from engine.explain.values import _date_shape
    date_shape = _date_shape(lang)
    if date_shape is not None:
        form, fields, months = date_shape
        date_shape = (form, fields, {month: months[month] for month in months})  # a plain dict, not Babel's
    return shapes(formatting._locale(lang), formatting.CURRENCY), date_shape


def _state(shape) -> dict:
    return {name: value for name, value in vars(shape).items() if name != "babel_call"}


def _restored(state: dict, kind: str, lang: str):
    from engine.explain.number_patterns import NumberShape
    shape = NumberShape.__new__(NumberShape)
    shape.__dict__.update(state)
    shape.babel_call = _babel_call(kind, lang)
    return shape


def _babel_call(kind: str, lang: str):
    """What explain_numbers.shapes hands to Babel for a value its shape does not cover: the same
    call, on the same Locale (formatting._locale), Babel imported only if it is ever made."""
    def call(value):
        from babel import numbers
        locale = formatting._locale(lang)
        if kind == "number":
            return numbers.format_decimal(value, locale=locale, decimal_quantization=False)
        if kind == "percent":
            return numbers.format_percent(value, locale=locale, decimal_quantization=False)
        return numbers.format_currency(value, formatting.CURRENCY, locale=locale)
    return call


def _well_formed(kept) -> bool:
    if not (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], dict) and set(kept[0]) == set(KINDS)):
        return False
    date_shape = kept[1]
    return all(isinstance(state, dict) for state in kept[0].values()) and (
        date_shape is None or (isinstance(date_shape, tuple) and len(date_shape) == 3))


def _entry(lang: str):
    """(folder, path) of the kept shapes of `lang`, or None when they are not kept."""
    if not cldr_cache._ENABLED:
        return None
    from engine import cache
    folder = cache.cache_folder()
    if folder is None:
        return None
    try:
        key = _entry_key(lang, cache._engine_fingerprint())
    except (OSError, ImportError, ValueError):
        return None
    if key is None:
        return None
    return folder, os.path.join(folder, "shapes-" + key + ".pickle")


def _entry_key(lang: str, engine_fingerprint: str):
    import importlib.util
    spec = importlib.util.find_spec("babel")  # where Babel is, without importing it
    if spec is None or not spec.origin:
        return None
    home = os.path.dirname(spec.origin)
    identifier = formatting.cldr_locale(lang)
    digest = hashlib.sha256(FORMAT)
    for part in (lang, identifier, home, engine_fingerprint):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    names, name = ["root", "en", "en_GB", identifier], identifier  # en_GB: what an unknown language reads as
    while "_" in name:
        name = name.rsplit("_", 1)[0]
        names.append(name)
    paths = [os.path.join(home, module) for module in BABEL_MODULES] + [os.path.join(home, "global.dat")]
    paths += [os.path.join(home, "locale-data", os.path.basename(n) + ".dat") for n in names]
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            digest.update(f"{path}:none\0".encode("utf-8", "surrogateescape"))
            continue
        digest.update(f"{path}:{info.st_size}:{info.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
