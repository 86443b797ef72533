"""reader: the one reader of facts documents, for `eval --facts`, batch lines, example cases and
HTTP bodies alike.

- YAML (`read_facts_text`): plain data, YAML 1.2 core-schema numbers (`010` is 10; `0x1F` refused
  with a hint), duplicate keys refused (engine.ruleset_files.load_yaml). JSON is YAML. A file of
  `name: value` lines alone is read without PyYAML, to the same facts (engine/facts/plain.py).
- JSON (`read_json`): the fast reader of batch lines and request bodies: the same duplicate-key
  rule, decimals exact (0.1 is 0.1), an integer too long for Python's int parser read as a decimal
  (so the fact's own check names it), NaN and Infinity as floats (refused by name too).
- Both refuse a lone surrogate (`"\\ud800"`): it is not a character, and no output could carry it.

Errors are `FactsSyntaxError` (a ValueError): a message naming the document and the place.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from engine.errors import Diagnostic, FactError, YamlSyntaxError
from engine.facts.plain import read_plain
from engine.ruleset_files import load_yaml
from engine.values import SURROGATE

MAX_INT_DIGITS = 4000  # under Python's own limit (4,300), whose error message speaks of sys.set_int_max_str_digits


class FactsSyntaxError(ValueError):
    """A facts document that cannot be read: not its values (FactError), its form. `not_json`:
    the text is not JSON at all (rather than JSON the facts cannot be taken from)."""

    def __init__(self, message: str, not_json: bool = False):
        super().__init__(message)
        self.not_json = not_json


def read_facts_text(text: str, what: str, path: str | None = None) -> dict:
    """A YAML (or JSON) document of facts → {name: raw value}; an empty document is no facts. With
    the `path` of the file, an error at a place is told there (`facts.yaml:2:1`, the line shown)."""
    facts = read_plain(text)  # `name: value` lines, read without PyYAML (engine/facts/plain.py)
    try:
        if facts is None:
            facts = load_yaml(text, what)
    except YamlSyntaxError as error:
        raise FactError(error.diagnostic("fact-type", path, "facts file"), sources={path: text}) from None
    except ValueError as error:
        raise FactError(Diagnostic("error", "fact-type", str(error))) from None
    if facts is None:
        facts = {}
    if not isinstance(facts, dict):
        raise FactError(Diagnostic("error", "fact-type", f"{what}: expected a mapping of fact name → value, "
                                   f"got {type(facts).__name__}"))
    problem = lone_surrogate(facts)
    if problem:
        raise FactError(Diagnostic("error", "fact-type", f"{what}: {problem}"))
    return facts


def read_json(data: bytes | str) -> Any:
    """One JSON document; FactsSyntaxError says what is wrong (with the column when JSON knows it)."""
    try:
        value = json.loads(data, parse_float=Decimal, parse_int=_integer, object_pairs_hook=no_duplicate_keys)
    except json.JSONDecodeError as error:
        raise FactsSyntaxError(f"{error.msg} at column {error.colno}", not_json=True) from None
    except RecursionError:
        raise FactsSyntaxError("nested too deeply") from None
    except UnicodeDecodeError as error:
        raise FactsSyntaxError(f"byte 0x{error.object[error.start]:02x} at byte {error.start + 1} is not UTF-8",
                               not_json=True) from None
    # A surrogate comes only from a \u escape, or from bytes json.loads decodes with surrogatepass.
    if (b"\\u" in data or b"\xed" in data) if isinstance(data, bytes) else ("\\u" in data or SURROGATE.search(data)):
        problem = lone_surrogate(value)
        if problem:
            raise FactsSyntaxError(problem)
    return value


def _integer(text: str):
    return int(text) if len(text) <= MAX_INT_DIGITS else Decimal(text)


def no_duplicate_keys(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise FactsSyntaxError(f"duplicate key `{shown_text(key)}`")
            seen.add(key)
    return found


def lone_surrogate(value: Any) -> str:
    """A message when a key or a text in `value` holds a lone surrogate, else ''."""
    stack = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and SURROGATE.search(item):
                code = ord(SURROGATE.search(item).group())
                place = f" in `{shown_text(where)}`" if where else ""
                return (f"the text `{shown_text(item)}`{place} holds \\u{code:04x}, half of a UTF-16 pair "
                        f"and not a character; send the text as UTF-8")
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, where))
                stack.append((child, key if isinstance(key, str) else where))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, where) for child in item)
    return ""


def shown_text(text: str) -> str:
    """A text for a message: at most 60 characters, a surrogate shown as its escape."""
    text = str(text)
    shown = text if len(text) <= 60 else text[:57] + "…"
    return shown.encode("utf-8", "backslashreplace").decode("utf-8")
