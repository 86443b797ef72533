"""layout: rule-file text → the same text laid out one way. Works on lines, never on meaning:
table cells and quoted texts are copied as they are, only the space around them changes.

What changes: table columns are aligned by display width (a Chinese character takes two columns)
up to the first column of quoted texts with one wider than WIDE (a `because`, most often): from
that one on, cells follow one another with one space, as a long sentence would otherwise push
every later column hundreds of columns to the right (wide tests, as long lists of countries, are
still aligned: the rows stay comparable);
parameter values are aligned like a small table, runs of spaces between the words of a declaration
become one, indentation is two spaces for table rows and dated values and none for declarations,
trailing spaces go, several blank lines become one, and no blank line is left inside a table or
between a parameter's values. Comments stay where they are.

The caller (engine.fmt.format_text) parses the text before and after and refuses any difference.
"""
from __future__ import annotations

import re
import unicodedata

from engine.syntax.parse import quoted_mask
from engine.syntax.table import _SEPARATOR_CELL, _split_row

INDENT = "  "
WIDE = 40  # display columns: a column of texts with a wider one, and the columns after it, are not padded
BLANKS = " \t\f"  # the spaces the grammar ignores; others (U+00A0…) are text


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def split_comment(line: str, in_table: bool = False) -> tuple[str, str]:
    """(code, comment) of a line. Outside tables any `#` out of quotes starts a comment (the lexer's
    rule); in a table row only one after a space or a tab does (parse_table's rule)."""
    for index, (char, quoted) in enumerate(zip(line, quoted_mask(line))):
        if char == "#" and not quoted and (not in_table or (index > 0 and line[index - 1] in " \t")):
            return line[:index].rstrip(BLANKS), line[index:].rstrip(BLANKS)
    return line.rstrip(BLANKS), ""


def _collapse(code: str) -> str:
    """Runs of blanks outside quoted text → one space."""
    out, after_blank = [], False
    for char, quoted in zip(code, quoted_mask(code)):
        blank = char in BLANKS and not quoted
        if not (blank and after_blank):
            out.append(" " if blank else char)
        after_blank = blank
    return "".join(out).strip(" ")


def _kind(line: str) -> str:
    stripped = line.strip(BLANKS)
    if not stripped:
        return "blank"
    if stripped.startswith("#"):
        return "comment"
    if stripped.startswith("|"):
        return "row"
    if re.match(r"from\b", stripped):
        return "value"
    return "declaration"


def layout(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kinds = [_kind(line) for line in lines]
    inside = _inside_declarations(kinds)
    out: list[str] = []
    index = 0
    while index < len(lines):
        kind = kinds[index]
        if kind in ("row", "value"):
            end = _block_end(kinds, index, kind)
            block = [(k, lines[i]) for i, k in zip(range(index, end), kinds[index:end]) if k != "blank"]
            out.extend(_table(block) if kind == "row" else _aligned(block, INDENT))
            index = end
            continue
        if kind == "blank":
            if out and out[-1] != "" and not inside[index]:
                out.append("")
        elif kind == "comment":
            out.append(lines[index].strip(BLANKS))
        else:
            end = _run_end(lines, kinds, index)
            out.extend(_aligned(list(zip(kinds[index:end], lines[index:end])), ""))
            index = end
            continue
        index += 1
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _block_end(kinds: list, start: int, kind: str) -> int:
    """One past the last line of the block of `kind` lines starting at `start` (comments and blank
    lines between them belong to it)."""
    end = index = start
    while index < len(kinds) and kinds[index] in (kind, "comment", "blank"):
        if kinds[index] == kind:
            end = index + 1
        index += 1
    return end


def _keyword(line: str) -> str:
    return re.split(r"[ \t\f]", line.strip(BLANKS), maxsplit=1)[0]


def _run_end(lines: list, kinds: list, start: int) -> int:
    """`input` (or `type`) declarations are aligned together, across the comments and blank lines
    between them; other declarations stand alone."""
    keyword = _keyword(lines[start])
    end = index = start + 1
    if keyword in ("input", "type"):
        while index < len(lines) and (kinds[index] in ("comment", "blank") or (
                kinds[index] == "declaration" and _keyword(lines[index]) == keyword)):
            if kinds[index] == "declaration":
                end = index + 1
            index += 1
    return end


def _inside_declarations(kinds: list) -> list[bool]:
    """For each line, whether it is a blank line between a declaration's first line and its rows
    or values (comments aside): such a line goes."""
    inside = [False] * len(kinds)
    before = None
    for index, kind in enumerate(kinds):
        if kind not in ("blank", "comment"):
            before = kind
        elif kind == "blank":
            inside[index] = before == "declaration"
    after = None
    for index in range(len(kinds) - 1, -1, -1):
        if kinds[index] not in ("blank", "comment"):
            after = kinds[index]
        elif kinds[index] == "blank":
            inside[index] = inside[index] and after in ("row", "value")
    return inside


# ---------------------------------------------------------------------------- tables

def _table(block: list) -> list[str]:
    rows = []  # ((cells, divider, is separator, ends with a pipe) or None for a comment line, comment)
    for kind, line in block:
        if kind == "comment":
            rows.append((None, line.strip(BLANKS)))
            continue
        code, comment = split_comment(line.strip(BLANKS), in_table=True)
        cells, divider = _split_row(code, 1)
        texts = [t for t, _ in cells]
        separator = all(_SEPARATOR_CELL.match(t) or not t for t in texts)
        while texts and not texts[-1] and not separator:
            texts.pop()  # a trailing empty cell is an annotation left blank: the same as none
        rows.append(((texts, divider, separator, code.endswith("|")), comment))
    data = [row for row, _ in rows if row is not None and not row[2]]
    header, divider = data[0][0], data[0][1]
    if divider is None:  # not a table the parser accepts: the caller reports it
        divider = len(header)
    closed = all(row[3] for row in data)
    widths = [0] * max(len(row[0]) for row in data)
    for texts, *_ in data:
        for column, text in enumerate(texts):
            widths[column] = max(widths[column], display_width(text))
    texts_wider = {column for texts, *_ in data for column, text in enumerate(texts)
                   if text.startswith('"') and display_width(text) > WIDE}
    unpadded = min(texts_wider, default=len(widths))
    out = []
    for row, comment in rows:
        if row is None:
            out.append(INDENT + comment)
            continue
        texts, _, separator, _ = row
        if separator:
            line = _separator(texts, widths[:len(header)], divider, closed, header, unpadded)
        else:
            line = _cells(texts, widths, divider, closed, unpadded)
        out.append(INDENT + (f"{line}  {comment}" if comment else line))
    return out


def _bar(column: int, divider: int) -> str:
    return "||" if column == divider and column else "|"


def _cells(texts: list, widths: list, divider: int, closed: bool, unpadded: int) -> str:
    parts = []
    for column, text in enumerate(texts):
        last = column == len(texts) - 1
        shown = text if (last and not closed) or column >= unpadded else _pad(text, widths[column])
        parts.append(f"{_bar(column, divider)} {shown}" + ("" if last and not closed else " "))
    return "".join(parts) + ("|" if closed else "")


def _separator(texts: list, widths: list, divider: int, closed: bool, header: list, unpadded: int) -> str:
    parts = []
    for column, width in enumerate(widths):
        if (column == len(widths) - 1 and not closed) or column >= unpadded:
            width = display_width(header[column])  # a column not padded: its rule spans its title
        original = texts[column] if column < len(texts) else ""
        left = ":" if original.startswith(":") else "-"
        right = ":" if original.endswith(":") and len(original) > 1 else "-"
        parts.append(_bar(column, divider) + left + "-" * width + right)
    return "".join(parts) + ("|" if closed else "")


# ---------------------------------------------------------------------------- aligned lines

_VALUE = re.compile(r"from (?P<date>[^\s=]+) ?= ?(?P<value>.+?)(?: (?P<source>source [^\W\d]\w*))?$")
_INPUT = re.compile(r"(?P<head>input [^\s:]+) ?(?P<rest>:.*)$")
_TYPE = re.compile(r"(?P<head>type [^\s=]+) ?(?P<rest>=.*)$")


def _pieces(code: str) -> list[str]:
    """The columns of a line that is aligned with its neighbours: a dated value and its source;
    an input's name, its type (with range and default) and its description; a type's name and
    its definition. Each piece is collapsed text, so splitting the aligned line gives it back."""
    code = _collapse(code)
    match = _VALUE.fullmatch(code)
    if match:
        return [f"from {match['date']} = {match['value']}"] + ([match["source"]] if match["source"] else [])
    match = _INPUT.fullmatch(code) or _TYPE.fullmatch(code)
    if not match:
        return [code]
    rest = match["rest"]
    head = [match["head"]]
    if rest.startswith(":"):
        rest = ": " + rest[1:].lstrip(" ")
        mask = quoted_mask(rest)
        if rest.endswith('"') and mask[-1]:
            start = len(mask) - 1
            while start > 0 and mask[start - 1]:
                start -= 1
            if start > 2 and rest[start - 1] == " " and not rest[:start - 1].endswith(" default"):
                return head + [rest[:start - 1], rest[start:]]
        return head + [rest]
    return head + ["= " + rest[1:].lstrip(" ")]


def _aligned(block: list, indent: str) -> list[str]:
    """Lines whose pieces line up in columns, and whose trailing comments line up too."""
    entries = []
    for kind, line in block:
        if kind == "blank":
            if entries and entries[-1] != (None, ""):
                entries.append((None, ""))
        elif kind == "comment":
            entries.append((None, line.strip(BLANKS)))
        else:
            code, comment = split_comment(line.strip(BLANKS))
            entries.append((_pieces(code), comment))
    widths: list[int] = []
    for pieces, _ in entries:
        for column, piece in enumerate((pieces or [])[:-1]):
            if column == len(widths):
                widths.append(0)
            widths[column] = max(widths[column], display_width(piece))
    codes = []
    for pieces, comment in entries:
        if pieces is None:
            codes.append((None, comment))
        else:
            codes.append((" ".join([_pad(p, widths[i]) for i, p in enumerate(pieces[:-1])] + pieces[-1:]), comment))
    comment_at = max((display_width(c) for c, m in codes if c is not None and m), default=0)
    out = []
    for code, comment in codes:
        if code is None:
            out.append(indent + comment if comment else "")
        else:
            out.append(indent + (f"{_pad(code, comment_at)}  {comment}" if comment else code))
    return out
