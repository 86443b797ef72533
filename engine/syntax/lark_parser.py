"""lark_parser: the grammar (grammar/verdict.lark) as one Lark LALR parser, built on first use and
cached on disk in a private folder (keyed by the grammar and Lark's version)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

import lark

# grammar/verdict.lark in a clone (the one to edit); engine/verdict.lark, a link to it, is what a
# wheel carries (pyproject.toml's package-data), so that an installed engine has its grammar too.
_PACKAGE = Path(__file__).resolve().parent.parent  # engine/
GRAMMAR_PATH = _PACKAGE.parent / "grammar" / "verdict.lark"
if not GRAMMAR_PATH.is_file():
    GRAMMAR_PATH = _PACKAGE / "verdict.lark"
_parser: Optional[lark.Lark] = None


def _cache_file(grammar: str):
    """A private place for Lark's cached parser, or False. Lark's cache is a pickle, and loading a
    pickle runs code: so never a shared, guessable file in /tmp, only one in a folder of ours that
    nobody else may write."""
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "verdict"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
        if status.st_uid != os.getuid() or status.st_mode & 0o022:
            return False
        digest = hashlib.sha256((grammar + lark.__version__).encode()).hexdigest()[:16]
        return str(folder / f"grammar-{digest}.lark")
    except (OSError, RuntimeError, AttributeError):  # no home, read-only disk, no getuid (Windows)
        return False


def parser() -> lark.Lark:
    """The Lark parser, built on first use and cached on disk (keyed by the grammar and Lark)."""
    global _parser
    if _parser is None:
        grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
        _parser = lark.Lark(grammar, parser="lalr", start=["ruleset", "expression", "unary_tests"],
                            propagate_positions=True, maybe_placeholders=True, cache=_cache_file(grammar))
    return _parser
