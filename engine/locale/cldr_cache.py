"""cldr_cache: the few CLDR entries an explanation reads, kept between runs of `verdict`.

Babel reads the whole CLDR data of a locale the first time it formats anything in it: for
en_GB that is root, en, en_001 and en_GB merged, some 400 KB of pickles and about 10 ms, in
every new process, where an explanation reads a dozen entries of it (the date formats, the
months, the number symbols and formats, the euro's symbol and names, the country names, the
list patterns, the plural rule: `KEPT`), some 40 KB that read in half a millisecond. Likewise
Babel's global data (global.dat, 470 KB, 8 ms), of which a verdict reads the euro's number of
decimals (`GLOBAL_KEPT`).

    cached_locale("en_GB") → a babel.Locale whose data starts as those entries, kept on disk

The Locale is Babel's own (a subclass that only changes where its data comes from), and Babel
does all the formatting: the kept entries are the very values Babel read from its files, and
any entry that is not kept (a unit pattern for a duration, the names of the days…) makes the
Locale read the whole data then, as Babel always does (and global.dat is read whole as soon as
anything else of it is asked for). So the text is the same; only the reading is shorter.

Where it is kept, and why it is safe to read back: in the folder of the compiled-ruleset cache
(engine/cache), signed with the same per-user key and read only when the signature verifies;
the entry's name is the SHA-256 of Babel's version and place, the locale, the kept entries'
names, and the size and modification time of the locale's data files (its own, its shorter
names', root's, global.dat), so another Babel (or other CLDR data) is another entry. Only the
`verdict` command turns it on (`enable()`), as it does the ruleset cache; `VERDICT_CACHE=0`
turns both off.
"""
from __future__ import annotations

import functools
import hashlib
import os

FORMAT = b"verdict-cldr-entries-2"
KEPT = ("currency_formats", "currency_names", "currency_names_plural", "currency_symbols", "date_formats",
        "decimal_formats", "list_patterns", "months", "number_symbols", "percent_formats", "plural_form",
        "territories")
GLOBAL_KEPT = ("currency_fractions",)  # the euro's number of decimals (babel.numbers.get_currency_precision)

_ENABLED: list = []


def enable() -> None:
    """Keep and reuse the entries from now on, in this process (the `verdict` command)."""
    if not _ENABLED:
        _ENABLED.append(True)


def cached_locale(identifier: str):
    """babel.Locale.parse(identifier), whose data is read from the kept entries when it can be."""
    from babel import Locale
    if not _ENABLED:
        return Locale.parse(identifier)
    cached = _locale_class()
    locale = cached.parse(identifier)
    if not isinstance(locale, cached) or locale.modifier:  # not ours to shorten: Babel's own way
        return Locale.parse(identifier)
    return locale


def _kept_entries(identifier: str) -> tuple:
    """The KEPT entries of the locale's merged data and the GLOBAL_KEPT ones of Babel's global
    data: from the cache, else from Babel (then kept)."""
    from babel import core, localedata

    from engine import cache
    folder = cache.cache_folder()
    entry = None
    if folder is not None:
        try:
            entry = os.path.join(folder, "cldr-" + _entry_key(identifier) + ".pickle")
        except (OSError, ImportError):
            entry = None
    found = cache._read(folder, entry) if entry is not None else None
    if (isinstance(found, tuple) and len(found) == 2 and set(found[0]) <= set(KEPT)
            and set(found[1]) == set(GLOBAL_KEPT)):
        return found
    data = localedata.load(identifier)
    kept = ({key: data[key] for key in KEPT if key in data}, {key: core.get_global(key) for key in GLOBAL_KEPT})
    if entry is not None:
        cache._write(folder, entry, kept)
    return kept


def _prime_global_data(kept: dict) -> None:
    """Babel's global data (babel.core, read whole from global.dat, 470 KB, on first use) starts as
    the kept entries, when Babel has not read it yet; any other entry reads it whole then."""
    from babel import core
    if getattr(core, "_global_data", False) is None:
        core._global_data = _GlobalEntries(kept)


class _GlobalEntries(dict):
    """Read by babel.core.get_global alone, as `_global_data.get(key, {})`."""

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        from babel import core
        if core._global_data is self:
            core._global_data = None
            core.get_global(key)  # Babel reads global.dat whole, as it always does, and keeps it
        return core._global_data.get(key, default)

    def __missing__(self, key):
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value


_ABSENT = object()


def _entry_key(identifier: str) -> str:
    import babel
    from babel import localedata
    digest = hashlib.sha256(FORMAT)
    for part in (babel.__version__, os.path.dirname(babel.__file__), identifier, ",".join(KEPT + GLOBAL_KEPT)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    # the locale's own file, those of its shorter names (en_GB: en), root's and global.dat; a parent
    # named elsewhere (en_001) changes with Babel's version, as all its data does
    names, name = ["root", identifier], identifier
    while "_" in name:
        name = name.rsplit("_", 1)[0]
        names.append(name)
    for path in [localedata.resolve_locale_filename(n) for n in names] + [
            os.path.join(os.path.dirname(babel.__file__), "global.dat")]:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            continue
        digest.update(f"{os.path.basename(path)}:{info.st_size}:{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


class _Entries(dict):
    """The kept entries of one locale; an entry not kept reads the whole data (Babel's `load`)."""

    def __init__(self, identifier: str, kept: dict):
        super().__init__(kept)
        self.identifier = identifier
        self.whole = None

    def _whole(self) -> dict:
        if self.whole is None:
            from babel import localedata
            self.whole = localedata.load(self.identifier)
        return self.whole

    def __missing__(self, key):
        return self._whole()[key]

    def __iter__(self):
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self):
        return self._whole().keys()


@functools.lru_cache(maxsize=None)
def _locale_class():
    """Made on first use, so that importing this module does not import Babel."""
    from babel import Locale, localedata

    class CachedLocale(Locale):
        @property
        def _data(self):
            data = self.__dict__.get("_kept_data")
            if data is None:
                identifier = str(self)
                kept, kept_global = _kept_entries(identifier)
                _prime_global_data(kept_global)
                data = self.__dict__["_kept_data"] = localedata.LocaleDataDict(_Entries(identifier, kept))
            return data

    return CachedLocale

