"""FEEL, the part of it verdict can say: a tokenizer and a recursive-descent parser for unary
tests (input entries) and simple expressions (output entries, literal expressions, bounds).

The result is a small tree of tuples, translated to rule text by engine/dmn/to_rules.py.
Anything outside the subset raises FeelError with what was not understood; the caller names
the DMN element. FEEL names may contain spaces (`Monthly Salary`), so the tokenizer is given
the names in scope and matches the longest one first.
"""
from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Iterable


class FeelError(Exception):
    """A FEEL text outside what verdict can translate; the message says which part."""


# Functions whose names have spaces, matched like names; the ones verdict has, and a few common
# ones recognised so that the refusal names them.
MULTIWORD_FUNCTIONS = ("round half up", "list contains", "years and months duration", "round half down",
                       "round up", "round down", "string length", "upper case", "lower case", "substring before",
                       "substring after", "date and time", "day of week", "day of year", "month of year",
                       "week of year", "get value", "get entries", "string join", "insert before", "index of",
                       "distinct values", "instance of", "starts with", "ends with")
KEYWORDS = {"true", "false", "null", "not", "and", "or", "if", "then", "else", "in", "between", "for", "some",
            "every", "satisfies", "return", "function", "instance", "of"}
_NUMBER = re.compile(r"\d+(\.\d+)?|\.\d+")
_WORD = re.compile(r"[^\W\d]\w*|\?")
_SPACE = re.compile(r"\s+|//[^\n]*|/\*.*?\*/", re.S)
_OPERATORS = ("**", "..", "<=", ">=", "!=", "<", ">", "=", "+", "-", "*", "/", "(", ")", "[", "]", "{", "}",
              ",", ".", ":", "@")


def _string_body(text: str, start: int) -> tuple[str, int]:
    out, i = [], start + 1
    while i < len(text):
        char = text[i]
        if char == '"':
            return _paired("".join(out)), i + 1
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                out.append(chr(int(text[i + 2:i + 6], 16)))
                i += 6
                continue
            if nxt == "U" and re.fullmatch(r"[0-9a-fA-F]{6}", text[i + 2:i + 8]):  # FEEL's `\U01F40E` (h16-dmn-dur)
                if int(text[i + 2:i + 8], 16) > 0x10FFFF:
                    raise FeelError(f"`\\{text[i + 1:i + 8]}` in a string is past the last character of Unicode")
                out.append(chr(int(text[i + 2:i + 8], 16)))
                i += 8
                continue
            if nxt not in "ntr'\"\\":  # no escape: the backslash is a character of the string, as in
                out.append("\\")   # FEEL's grammar (`split(s, "\s")` keeps its regex) (h16-dmn-dur)
                i += 1
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    raise FeelError("a string is not closed (a \" is missing)")


def _paired(text: str) -> str:
    """A string with its `\\uD83D\\uDC0E` escapes (UTF-16 surrogate pairs, as Java writes a
    character past U+FFFF) made the one character they stand for (h16-dmn-dur)."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise FeelError("a \\u escape in a string is half of a character (a lone UTF-16 surrogate)") from None


@functools.lru_cache(maxsize=64)
def _known_names(names: frozenset) -> re.Pattern:
    """One pattern for every known name, longest first, its words separated by any whitespace."""
    spelled = sorted({" ".join(n.split()) for n in names if n.strip()} | set(MULTIWORD_FUNCTIONS), key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(re.escape(p) for p in name.split(" ")) for name in spelled)
    return re.compile(rf"(?:{alternatives})(?![\w])")


def tokenize(text: str, names: Iterable[str]) -> list:
    """[(kind, value)]: kind is num, str, name, kw, op."""
    known = _known_names(frozenset(names))
    tokens, i = [], 0
    while i < len(text):
        space = _SPACE.match(text, i)
        if space:
            i = space.end()
            continue
        char = text[i]
        if char == '"':
            value, i = _string_body(text, i)
            tokens.append(("str", value))
            continue
        number = _NUMBER.match(text, i)
        if number and not (tokens and tokens[-1] == ("op", ".") and char == "."):
            tokens.append(("num", number.group()))
            i = number.end()
            continue
        found = known.match(text, i)
        if found and found.end() > i:
            tokens.append(("name", " ".join(found.group().split())))
            i = found.end()
            continue
        word = _WORD.match(text, i)
        if word:
            value = word.group()
            tokens.append(("kw" if value in KEYWORDS else "name", value))
            i = word.end()
            continue
        for op in _OPERATORS:
            if text.startswith(op, i):
                tokens.append(("op", op))
                i += len(op)
                break
        else:
            raise FeelError(f"unexpected character {char!r}")
    return tokens


class _Parser:
    def __init__(self, text: str, names: Iterable[str]):
        self.text = text
        self.tokens = tokenize(text, names)
        self.i = 0

    def peek(self, offset: int = 0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else ("end", None)

    def take(self):
        token = self.peek()
        self.i += 1
        return token

    def at(self, kind, value=None) -> bool:
        token = self.peek()
        return token[0] == kind and (value is None or token[1] == value)

    def expect(self, kind, value=None):
        if not self.at(kind, value):
            got = self.peek()
            raise FeelError(f"expected {value or kind}, found {got[1] if got[1] is not None else 'the end'}")
        return self.take()

    def end(self):
        if not self.at("end"):
            raise FeelError(f"unexpected {self.peek()[1]!r}")

    # ------------------------------------------------------------------ unary tests

    def unary_tests(self):
        if self.at("op", "-") and self.peek(1)[0] == "end":
            self.take()
            return ("any",)
        if self.at("kw", "not") and self.peek(1) == ("op", "("):
            self.take()
            self.take()
            tests = self.positive_tests()
            self.expect("op", ")")
            self.end()
            return ("tests", True, tests)
        tests = self.positive_tests()
        self.end()
        return ("tests", False, tests)

    def positive_tests(self):
        tests = [self.positive_test()]
        while self.at("op", ","):
            self.take()
            tests.append(self.positive_test())
        return tests

    def positive_test(self):
        token = self.peek()
        if token[0] == "op" and token[1] in ("<", "<=", ">", ">="):
            self.take()
            return ("cmp", token[1], self.endpoint())
        if token[0] == "op" and token[1] in ("[", "(", "]"):
            start = self.i
            try:
                return self.interval()
            except FeelError:
                if token[1] == "]":
                    raise
                self.i = start  # `(a + b)` is a parenthesised value, not an interval
        if token == ("kw", "null"):
            raise FeelError("`null` tests (a missing value) have no equivalent: verdict facts are never null")
        value = self.expression()
        if self.at("op", ".."):
            raise FeelError("a range needs brackets: [a..b]")
        return ("eq", value)

    def interval(self):
        opening = self.take()[1]
        lo = self.endpoint()
        self.expect("op", "..")
        hi = self.endpoint()
        closing = self.take()
        if closing[0] != "op" or closing[1] not in ("]", ")", "["):
            raise FeelError("a range ends with ] or ) or [")
        return ("range", opening == "[", lo, hi, closing[1] == "]")

    def endpoint(self):
        return self.additive()

    # ------------------------------------------------------------------ expressions

    def expression(self):
        if self.at("kw", "if"):
            self.take()
            condition = self.expression()
            self.expect("kw", "then")
            then = self.expression()
            self.expect("kw", "else")
            return ("if", condition, then, self.expression())
        for word in ("for", "some", "every"):  # lists (h16-dmn): engine/dmn/feel_lists.py
            if self.at("kw", word):
                from engine.dmn.feel_lists import iteration
                return iteration(self, word)
        for word in ("function",):
            if self.at("kw", word):
                raise FeelError(f"`{word}` expressions are not translated")
        return self.disjunction()

    def disjunction(self):
        left = self.conjunction()
        while self.at("kw", "or"):
            self.take()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self):
        left = self.comparison()
        while self.at("kw", "and"):
            self.take()
            left = ("and", left, self.comparison())
        return left

    def comparison(self):
        left = self.additive()
        token = self.peek()
        if token[0] == "op" and token[1] in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            return ("bin", token[1], left, self.additive())
        if token == ("kw", "between"):
            self.take()
            lo = self.additive()
            self.expect("kw", "and")
            return ("and", ("bin", ">=", left, lo), ("bin", "<=", left, self.additive()))
        if token == ("kw", "in"):
            self.take()
            from engine.dmn.feel_lists import in_test, interval_ahead
            if not self.at("op", "(") or interval_ahead(self):  # `x in (a..b]`, `x in L` (h16-dmn)
                return in_test(self, left)
            self.take()
            options = [self.additive()]
            while self.at("op", ","):
                self.take()
                options.append(self.additive())
            self.expect("op", ")")
            return ("in", left, options)
        if token == ("kw", "instance"):
            raise FeelError("`instance of` is not translated")
        return left

    def additive(self):
        left = self.multiplicative()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            left = ("bin", op, left, self.multiplicative())
        return left

    def multiplicative(self):
        left = self.power()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            left = ("bin", op, left, self.power())
        return left

    def power(self):
        # FEEL groups `**` from the left, over negated operands (DMN TCK 0075: `3 ** 4 ** 5` is
        # (3 ** 4) ** 5, `-3 ** 2` is 9); the translation parenthesises every power
        left = self.unary()
        while self.at("op", "**"):
            self.take()
            left = ("bin", "**", left, self.unary())
        return left

    def unary(self):
        if self.at("op", "-"):
            self.take()
            operand = self.unary()
            if operand[0] == "num":
                return ("num", operand[1][1:] if operand[1].startswith("-") else "-" + operand[1])
            return ("neg", operand)
        return self.postfix()

    def postfix(self):
        value = self.primary()
        while True:
            if self.at("op", "."):
                self.take()
                token = self.take()
                if token[0] != "name":
                    raise FeelError("a path needs a name after the dot")
                value = ("path", value, token[1])
            elif self.at("op", "("):
                if value[0] != "name":
                    raise FeelError("only named functions can be called")
                self.take()
                args = []
                if not self.at("op", ")"):
                    from engine.dmn.feel_lists import argument  # named arguments (h16-dmn)
                    args.append(argument(self))
                    while self.at("op", ","):
                        self.take()
                        args.append(argument(self))
                self.expect("op", ")")
                value = ("call", value[1], args)
            elif self.at("op", "["):  # a filter `L[C]` or an index `L[n]` (h16-dmn)
                self.take()
                condition = self.expression()
                self.expect("op", "]")
                value = ("filter", value, condition)
            else:
                return value

    def primary(self):
        token = self.take()
        kind, value = token
        if kind == "num":
            return ("num", value if not value.startswith(".") else "0" + value)
        if kind == "str":
            return ("str", value)
        if kind == "kw" and value in ("true", "false"):
            return ("bool", value == "true")
        if kind == "kw" and value == "null":
            raise FeelError("`null` has no equivalent: verdict values are never null")
        if kind == "kw" and value == "not" and self.at("op", "("):
            self.take()
            operand = self.expression()
            self.expect("op", ")")
            return ("not", operand)
        if kind == "name":
            return ("name", value)
        if token == ("op", "("):
            inner = self.expression()
            self.expect("op", ")")
            return inner
        if token == ("op", "{"):
            raise FeelError("contexts ({key: value}) are not translated")
        if token == ("op", "["):  # a list literal (h16-dmn)
            items = []
            if not self.at("op", "]"):
                items.append(self.expression())
                while self.at("op", ","):
                    self.take()
                    items.append(self.expression())
            self.expect("op", "]")
            return ("list", items)
        if token == ("op", "@"):  # `@"2020-01-01"`, `@"P30D"`: a date or a duration (h16-dmn-dur)
            from engine.dmn.feel_durations import at_literal
            return at_literal(self.take())
        if kind == "end":
            raise FeelError("the text ends too early")
        raise FeelError(f"unexpected {value!r}")


def parse_unary_tests(text: str, names: Iterable[str] = ()):
    """('any',) or ('tests', negated, [test]); each test ('cmp', op, e), ('range', lo_closed,
    lo, hi, hi_closed) or ('eq', e)."""
    if not text.strip():
        return ("any",)  # an empty entry is a don't-care in several modellers
    return _Parser(text, names).unary_tests()


def parse_expression(text: str, names: Iterable[str] = ()):
    parser = _Parser(text, names)
    if not text.strip():
        raise FeelError("the expression is empty")
    tree = parser.expression()
    parser.end()
    return tree


def number_text(value: str) -> str:
    """A FEEL number as verdict writes it (no exponent, a leading 0)."""
    return format(Decimal(value), "f")
