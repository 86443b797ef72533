"""writer: the lines of an explanation in one language — labels padded to one column, text
wrapped under them, French spacing — and what of them comes back from one explanation to the next.

The lines a text gives under a label depend on the language, the label and the text only, so they
are kept per language (up to KEPT_LINES, texts up to LONGEST_KEPT characters), as are the labels'
padding and a rule file's name.
"""
from __future__ import annotations

from typing import Optional

from engine.explain.values import LANGUAGES_KEPT
from engine.explain.i18n import LABELS, parenthesised, words
from engine.locale.linebreak import display_width, french_spacing, wrap

WIDTH = 100  # columns of explanation text after the label
KEPT_LINES = 20_000  # lines of text kept per language (a text wrapped under a label gives the same lines)
LONGEST_KEPT = 2_000  # characters of the longest text kept
_LAYOUTS: dict = {}  # lang → (width of the labels' column, label key → "  " and the label padded to it)
_LINES: dict = {}    # lang → {(label key, first, text) or (text,) of a heading: its lines}
_FRENCH: dict = {}   # text → french_spacing(text)


def pad(label: str, width: int) -> str:
    return label + " " * (width - display_width(label))


def _layout(lang: str) -> tuple:
    found = _LAYOUTS.get(lang)
    if found is None:
        w = words(lang)
        width = max(display_width(w[k]) for k in LABELS) + 1
        found = _LAYOUTS[lang] = (width, {k: "  " + pad(w[k], width) for k in LABELS}, "  " + pad("", width))
    return found


class Writer:
    """The lines of one explanation, in `lang`."""

    def __init__(self, lang: str):
        self.lang = lang
        self.w = words(lang)
        self.label_width, self._labels, self._no_label = _layout(lang)
        self._kept = _LINES.get(lang)
        if self._kept is None:
            if len(_LINES) >= LANGUAGES_KEPT:  # a hand-made trace may name any language
                _LINES.clear()
            self._kept = _LINES[lang] = {}
        self.lines: list[str] = []

    def _typeset(self, text: str) -> str:
        if self.lang != "fr":
            return text
        found = _FRENCH.get(text)
        if found is None:
            if len(text) > LONGEST_KEPT:
                return french_spacing(text)
            if len(_FRENCH) >= KEPT_LINES:
                _FRENCH.clear()
            found = _FRENCH[text] = french_spacing(text)
        return found

    def _label(self, label_key: Optional[str], first: bool) -> str:
        if not (label_key and first):
            return self._no_label
        return self._labels.get(label_key) or "  " + pad(self.w[label_key], self.label_width)

    def labelled(self, label_key: Optional[str], text: str, first: bool = True) -> str:
        """One line of `text` under the label, not wrapped."""
        return self._label(label_key, first) + self._typeset(text)

    def line(self, label_key: Optional[str], text: str, first: bool = True):
        self.lines.append(self.labelled(label_key, text, first))

    def _keep(self, key: tuple, lines: tuple) -> tuple:
        if len(key[-1]) > LONGEST_KEPT:
            return lines
        if len(self._kept) >= KEPT_LINES:
            self._kept.clear()
        self._kept[key] = lines
        return lines

    def wrapped_lines(self, label_key: str, text: str, first: bool = True) -> tuple:
        """The lines of `text` under the label (on the first of them if `first`)."""
        lines = self._kept.get((label_key, first, text))
        if lines is None:
            lines = self._keep((label_key, first, text), tuple(
                self._label(label_key, first and index == 0) + self._typeset(part)
                for index, part in enumerate(wrap(self._typeset(text), WIDTH - self.label_width))))
        return lines

    def wrapped(self, label_key: str, text: str, first: bool = True):
        self.lines.extend(self.wrapped_lines(label_key, text, first))

    def heading_lines(self, text: str) -> tuple:
        """A decision's title and its answer, continued under itself when long."""
        lines = self._kept.get((text,))
        if lines is None:
            lines = self._keep((text,), tuple(part if index == 0 else "    " + part for index, part in
                                              enumerate(wrap(self._typeset(text), WIDTH + self.label_width))))
        return lines

    def heading(self, text: str):
        self.lines.extend(self.heading_lines(text))

    def blank(self):
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


_FILE_NAMES: dict = {}  # a rule file's path → its name


def file_line(file: str, line) -> str:
    name = _FILE_NAMES.get(file)
    if name is None:
        if len(_FILE_NAMES) >= KEPT_LINES:
            _FILE_NAMES.clear()
        name = _FILE_NAMES[file] = file.rsplit('/', 1)[-1]
    return f"{name}:{line}"


_CITED: dict = {}  # (lang, source id, status) → ` · source id (STATUS)`


def cited(source: dict, w: dict, lang: str) -> str:
    key = (lang, source["id"], source.get("status", ""))
    found = _CITED.get(key)
    if found is None:
        status = w["status"].get(source.get("status", ""), source.get("status", ""))
        space = "" if lang == "zh" else " "
        found = f" · {w['source']} {source['id']}" + (f"{space}{parenthesised(status, lang)}" if status else "")
        if len(_CITED) >= KEPT_LINES:
            _CITED.clear()
        _CITED[key] = found
    return found
