"""The TextMate grammar (editors/vscode) against the language: every keyword of grammar/verdict.lark,
every hit policy, annotation, built-in function and type is highlighted, and the patterns read
sample lines the way the parser does."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine import values
from engine.syntax.parse import AGGREGATORS, HIT_POLICIES, parser
from engine.syntax.table import ANNOTATIONS
from engine.semantics.typecheck import BUILTIN_NAMES, FUNCTIONS

VSCODE = Path(__file__).resolve().parent.parent / "editors" / "vscode"
GRAMMAR = json.loads((VSCODE / "syntaxes" / "verdict.tmLanguage.json").read_text(encoding="utf-8"))


def _rules(node):
    """Every rule with a `match` or `begin` in the grammar, depth first."""
    if isinstance(node, dict):
        if "match" in node or "begin" in node:
            yield node
        for value in node.values():
            yield from _rules(value)
    elif isinstance(node, list):
        for item in node:
            yield from _rules(item)


PATTERNS = [rule.get("match") or rule["begin"] for rule in _rules(GRAMMAR)]


def _highlighted(word: str) -> bool:
    """Whether a pattern names the word as one of its alternatives (escapes like \\b taken out)."""
    return any(re.search(rf"(?<![A-Za-z_]){word}(?![A-Za-z_])", re.sub(r"\\[A-Za-z]", " ", pattern))
               for pattern in PATTERNS)


def test_the_extension_declares_the_grammar_for_rules_files():
    package = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    [language] = package["contributes"]["languages"]
    [grammar] = package["contributes"]["grammars"]
    assert language["extensions"] == [".rules"] and grammar["language"] == language["id"]
    assert grammar["scopeName"] == GRAMMAR["scopeName"] == "source.verdict"
    assert (VSCODE / grammar["path"]).is_file() and (VSCODE / language["configuration"]).is_file()


def test_every_pattern_is_a_valid_regular_expression():
    for pattern in PATTERNS:
        re.compile(pattern)


LARK_KEYWORDS = sorted({t.pattern.value for t in parser().terminals
                        if t.pattern.type == "str" and t.pattern.value.isalpha()})
WORDS = sorted(set(LARK_KEYWORDS) | {w for p in HIT_POLICIES for w in p.split()} | set(AGGREGATORS)
               | set(ANNOTATIONS) | set(FUNCTIONS) | set(BUILTIN_NAMES) | {"otherwise"}
               | {t.name for t in vars(values).values() if type(t) is values.Type})


def test_the_lark_grammar_has_the_keywords_this_test_expects():
    assert "decision" in LARK_KEYWORDS and "checked" in LARK_KEYWORDS and len(LARK_KEYWORDS) == 35


@pytest.mark.parametrize("word", WORDS)
def test_every_keyword_of_the_language_is_highlighted(word):
    assert _highlighted(word), f"`{word}` is a word of the language the TextMate grammar does not highlight"


def _scopes(line: str, patterns) -> list[tuple[str, str]]:
    """(text, scope) of each match, as a TextMate engine reads one line with flat `match` rules:
    at each point the earliest match wins, and of matches at the same point the first rule."""
    found, position = [], 0
    while position < len(line):
        best = None
        for rule in patterns:
            match = re.compile(rule["match"]).search(line, position)
            if match and match.end() > match.start() and (best is None or match.start() < best[0].start()):
                best = (match, rule)
        if best is None:
            break
        match, rule = best
        found.append((match.group().strip(), rule.get("name") or rule["captures"]["2"]["name"]))
        position = match.end()
    return found


def test_expression_patterns_read_dates_money_hit_policies_and_names():
    flat = [r for r in GRAMMAR["repository"]["expression"]["patterns"] if "match" in r]
    assert _scopes("hit collect sum valid from 2024-12-22 = 26.50 € + 5% * years_between(a, as_of)", flat) == [
        ("hit collect sum", "constant.language.hit-policy.verdict"),
        ("valid", "keyword.other.verdict"), ("from", "keyword.other.verdict"),
        ("2024-12-22", "constant.numeric.date.verdict"), ("=", "keyword.operator.comparison.verdict"),
        ("26.50 €", "constant.numeric.money.verdict"), ("+", "keyword.operator.arithmetic.verdict"),
        ("5%", "constant.numeric.percent.verdict"), ("*", "keyword.operator.arithmetic.verdict"),
        ("years_between", "support.function.builtin.verdict"), ("a", "variable.other.verdict"),
        ("as_of", "variable.language.verdict")]
