"""Line breaking by the punctuation rules of each script, in one pass over the text.

- A line breaks at an ordinary space, or between two characters where one of them is wide
  (Chinese has no spaces), never at a non-breaking space (U+00A0, U+202F, U+2007, U+2060).
- Nor between a wide character and an ASCII letter or digit it touches: `2019年11月1日` stays whole.
- Closing punctuation (，。、；：！？）」 …, and ASCII `) , . ; : ! ?`) never starts a line, and
  opening punctuation (（「《 “ …) never ends one: they stay with the character they touch.
- French puts a non-breaking space before `:` `;` `?` `!` `%` and inside « »: `french_spacing` makes
  an ordinary space there non-breaking, so no line starts with those signs either.

Widths are terminal columns: a wide (East Asian) character takes two.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

NON_BREAKING = "\u00a0\u202f\u2007\u2060"
NO_LINE_START = frozenset("，。、；：！？）」』】〕〉》〗〙〛”’…‥・〜ー々〻ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
                          "%),.:;!?]}»\u00a0\u202f")
NO_LINE_END = frozenset("（「『【〔〈《〖〘〚“‘([{«")
_BREAKING_SPACE = re.compile(r"[^\S\u00a0\u202f\u2007\u2060]+")
# U+00A0 before ':' and U+202F (narrow) before ';' '?' '!' '%', as the ruleset's own French texts do.
_FRENCH_BEFORE = re.compile(r"(?<=\S) ([:;?!»%])(?=\s|$|[)\],.»])")
_FRENCH_AFTER = re.compile(r"« ")


# Wide (East Asian W and F) characters; a word without any is measured by its length alone. None
# is below U+2E80 but U+1100..U+115F, so a text without those (any English or French one, `€` and
# U+202F included) is not searched: compiling this class takes ~3 ms, which such an explanation
# need not pay. Whether a text has any of those is one search of a class: of the characters it
# has not, written as the complement (0.8 ms to compile, where the class of U+1100..U+115F and
# U+2E80..U+10FFFF took 3 ms, every `verdict eval`; tests/test_cold_start.py holds the two equal
# on every code point; `max(text) < "\u2e80"`, which compares every character, is 5× slower).
_MAYBE_WIDE_FROM = re.compile("[^\x00-\u10ff\u1160-\u2e7f]")


@lru_cache(maxsize=None)
def _maybe_wide():
    return re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe6f"
                      "\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001faff\U00020000-\U0003fffd]")


def _narrow(text: str) -> bool:
    """No wide character in `text` (what `_maybe_wide().search(text) is None` says, mostly without it)."""
    if _MAYBE_WIDE_FROM.search(text) is None:
        return True
    return _maybe_wide().search(text) is None


def char_width(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def french_spacing(text: str) -> str:
    """`Note : oui ; non !` with its spaces before the signs made non-breaking."""
    text = _FRENCH_BEFORE.sub(lambda m: ("\u00a0" if m.group(1) in ":»" else "\u202f") + m.group(1), text)
    return _FRENCH_AFTER.sub("«\u00a0", text)


@lru_cache(maxsize=8192)  # the words of titles and templates come back in every explanation
def _pieces(word: str) -> tuple:
    """A word (no breaking space in it) cut where a line may break: between two characters one of
    which is wide, unless the second may not start a line or the first may not end one."""
    if _narrow(word):
        return ((word, len(word)),)
    pieces, start, width = [], 0, 0
    previous_wide = False
    for index, c in enumerate(word):
        w = char_width(c)
        if index and (w == 2 or previous_wide) and c not in NO_LINE_START and word[index - 1] not in NO_LINE_END \
                and not (c.isascii() and c.isalnum()) and not (word[index - 1].isascii() and word[index - 1].isalnum()):
            pieces.append((word[start:index], width))
            start, width = index, 0
        width += w
        previous_wide = w == 2
    pieces.append((word[start:], width))
    return tuple(pieces)


# Whitespace that `wrap` would change: any but a single ordinary space (or a non-breaking one):
# two spaces, or a character of `\s` but the space, U+00A0, U+202F and U+2007, listed (a class of
# them is searched 5× faster than `[^\S …]`; tests/test_explain_plans.py holds it to `\s`).
_ODD_SPACE = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85\u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]")


def _odd_space(text: str) -> bool:
    return "  " in text or _ODD_SPACE.search(text) is not None
_WRAPPED: dict = {}  # (text, width) → its lines: an explanation's lines recur from one verdict to the next
_WRAPPED_KEPT = 4096
_WRAPPED_LONGEST = 2000  # a longer text is wrapped every time: what is kept stays small


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns (a longer unbreakable piece gets a line of its
    own). Linear in the length of the text: each character is looked at a bounded number of times."""
    if len(text) <= width and _narrow(text) and not _odd_space(text) and text == text.strip():
        return [text]  # no wide character: as many columns as characters, and they fit on one line
    if len(text) > _WRAPPED_LONGEST:
        return _wrapped(text, width)
    lines = _WRAPPED.get((text, width))
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_KEPT:
            _WRAPPED.clear()
        lines = _WRAPPED[(text, width)] = tuple(_wrapped(text, width))
    return list(lines)


def _wrapped(text: str, width: int) -> list[str]:
    if _narrow(text) and not _odd_space(text) and text == text.strip():
        return _wrapped_narrow(text.split(" "), width)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in _BREAKING_SPACE.split(text.strip()):
        if not word:
            continue
        for index, (piece, size) in enumerate(_pieces(word)):
            gap = 1 if index == 0 and line else 0
            # a space before closing punctuation (`70 %`) or after opening (`« oui`) does not break either
            glued = gap and (piece[:1] in NO_LINE_START or line[-1][-1:] in NO_LINE_END)
            if line and used + gap + size > width and not glued:
                lines.append("".join(line))
                line, used, gap = [], 0, 0
            if gap:
                line.append(" ")
            line.append(piece)
            used += gap + size
    lines.append("".join(line))
    return lines


def _wrapped_narrow(words: list, width: int) -> list[str]:
    """`_wrapped` of a text with single spaces and no wide character: every word is one piece, as
    wide as it is long."""
    lines: list[str] = []
    line = [words[0]]
    used = len(words[0])
    for word in words[1:]:
        size = len(word)
        # a space before closing punctuation (`70 %`) or after opening (`« oui`) does not break either
        if used + 1 + size > width and word[0] not in NO_LINE_START and line[-1][-1] not in NO_LINE_END:
            lines.append(" ".join(line))
            line, used = [word], size
        else:
            line.append(word)
            used += 1 + size
    lines.append(" ".join(line))
    return lines


def __getattr__(name: str):
    if name == "_MAYBE_WIDE":  # the compiled class, under its former name (tests/explain_reference.py reads it)
        return _maybe_wide()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
