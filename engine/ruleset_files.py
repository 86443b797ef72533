"""Reading a ruleset from disk: ruleset.yaml, the *.rules files, messages; the content hash."""
from __future__ import annotations

import hashlib
import os
import stat

import attrs

from engine.attrs_repr import frozen
from engine.errors import Diagnostic, RuleError, YamlSyntaxError
from engine.span import Span

MAX_RULE_FILE_BYTES = 2_000_000
SOURCE_STATUSES = ("OFFICIAL", "SECONDARY", "DERIVED", "SEED")  # a source's `status` (docs/language.md)
MESSAGE_SECTIONS = ("because", "titles", "symbols")            # the sections of messages/<lang>.yaml


@frozen
class Source:
    """An entry of the sources registry: what a rule cites."""

    id: str
    title: str = ""
    url: str = ""
    publisher: str = ""
    status: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return {k: v for k, v in attrs.asdict(self).items() if v}


@frozen
class RulesetFiles:
    """Everything a ruleset is made of, as text, before parsing."""

    root: str
    name: str
    title: str
    version: str
    language: str
    languages: tuple
    outputs: tuple                # default outputs; empty = every decision
    sources: dict                 # id -> Source; empty when there is no registry
    has_registry: bool
    rule_texts: dict              # display path -> text
    messages: dict                # lang -> {"because": {}, "titles": {}, "symbols": {}}
    sha256: str
    message_texts: dict = attrs.field(factory=dict)  # lang -> (display path, text) of messages/<lang>.yaml
    message_sections: dict = attrs.field(factory=dict)  # lang -> its top-level keys as written (the checker
                                                        # reports those that are no section)
    settings: dict = attrs.field(factory=dict)       # ruleset.yaml as read (the checker warns of unknown keys)
    settings_path: str = ""
    settings_text: str = ""

    @property
    def texts(self) -> dict:
        """Every file a diagnostic may point into: display path -> text."""
        found = dict(self.rule_texts)
        found.update(dict(self.message_texts.values()))
        if self.settings_path:
            found[self.settings_path] = self.settings_text
        return found


def load_yaml(text: str, what: str):
    """Safe YAML: plain data only, duplicate keys refused, alias bombs refused (engine/yaml_safe.py,
    imported here on first use: reading a ruleset from the cache needs no YAML)."""
    from engine.yaml_safe import load_yaml as load
    return load(text, what)


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _refused(display: str, problem: str, hint: str | None = None) -> RuleError:
    return RuleError(Diagnostic("error", "not-found", f"{display}: {problem}", hint=hint))


def read_folder_file(path: Path, display: str, folder: Path | None = None, limit: int | None = None) -> str:
    """The UTF-8 text of a file of a ruleset: a regular file (never a pipe, a device or a folder),
    inside `folder` when given (a symbolic link out of it is refused: its content is never read nor
    shown), at most `limit` bytes read (default: MAX_RULE_FILE_BYTES, read when called, so that a
    benchmark of huge tables can raise it). Every failure is a RuleError naming the file."""
    if limit is None:
        limit = MAX_RULE_FILE_BYTES
    try:
        if folder is not None and not path.resolve().is_relative_to(folder.resolve()):
            raise _refused(display, "a symbolic link to a file outside the ruleset folder; it is not read",
                           hint="copy the file into the folder")
        if os.path.islink(path) and not os.path.exists(path):
            raise _refused(display, "a symbolic link to nothing (its target does not exist)")
        info = os.stat(path)
        for test, kind in _KINDS:
            if test(info.st_mode):
                raise _refused(display, f"{kind}, not a file")
        # O_NONBLOCK: should a pipe appear here after the check, opening it must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise _refused(display, "not a regular file")
            data = file.read(limit + 1)
    except RuntimeError:  # a loop of symbolic links
        raise _refused(display, "a loop of symbolic links") from None
    except OSError as error:
        raise _refused(display, f"cannot be read ({error.strerror or error})") from None
    if len(data) > limit:
        raise RuleError(Diagnostic("error", "syntax", f"{display}: the file is over {limit:,} bytes; "
                                   f"the limit is {limit:,}"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = byte_position(data, error.start)
        raise RuleError(Diagnostic("error", "syntax", f"byte 0x{data[error.start]:02x} is not UTF-8",
                                   Span.point(display, line, column),
                                   hint="save the file as UTF-8")) from None


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """(line, column) of the byte at `offset`, both from 1; the column counts characters."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def read_ruleset(path: str | Path) -> RulesetFiles:
    """The texts of a ruleset folder, or of a single .rules file (a ruleset of one file)."""
    from pathlib import Path  # here: a ruleset from the cache (engine/cache) is not read, and needs no pathlib
    root = Path(path)
    if not root.exists():
        raise RuleError(Diagnostic("error", "not-found", f"{path}: no such file or folder"))
    single = not root.is_dir()  # a .rules file (read_folder_file refuses a pipe or a device)
    if single:
        folder, rule_paths = root.parent, [root]
        name_default = root.stem
    else:
        folder, rule_paths = root, _entries(root, "*.rules")
        name_default = root.resolve().name
        if not rule_paths:
            raise RuleError(Diagnostic("error", "not-found", f"{path}: no .rules file in this folder"))
    inside = None if single else folder
    meta = {}
    meta_path = folder / "ruleset.yaml"
    hashed: list[tuple[str, bytes]] = []
    if not single and os.path.lexists(meta_path):
        meta_text = read_folder_file(meta_path, str(meta_path), inside)
        hashed.append(("ruleset.yaml", meta_text.encode()))
        try:
            meta = load_yaml(meta_text, str(meta_path)) or {}
        except YamlSyntaxError as error:
            raise RuleError(error.diagnostic("syntax", str(meta_path), "ruleset.yaml"),
                            {str(meta_path): meta_text}) from None
        except ValueError as error:
            raise RuleError(Diagnostic("error", "syntax", str(error))) from None
        if not isinstance(meta, dict):
            raise RuleError(Diagnostic("error", "syntax", f"{meta_path}: expected a mapping of settings"))
    rule_texts = {}
    for rule_path in rule_paths:
        display = str(rule_path) if single else str(Path(path) / rule_path.name)
        text = read_folder_file(rule_path, display, inside)
        rule_texts[display] = text
        hashed.append((rule_path.name, text.encode()))
    messages, message_texts, message_sections = {}, {}, {}
    messages_dir = folder / "messages"
    if not single and messages_dir.is_dir():
        for message_path in _entries(messages_dir, "*.yaml"):
            text = read_folder_file(message_path, str(message_path), inside)
            hashed.append((f"messages/{message_path.name}", text.encode()))
            try:
                data = load_yaml(text, str(message_path)) or {}
            except YamlSyntaxError as error:
                raise RuleError(error.diagnostic("syntax", str(message_path), f"messages/{message_path.name}"),
                                {str(message_path): text}) from None
            except ValueError as error:
                raise RuleError(Diagnostic("error", "syntax", str(error))) from None
            messages[message_path.stem] = _messages(data, message_path)
            message_sections[message_path.stem] = tuple(str(key) for key in data)
            display = str(Path(path) / "messages" / message_path.name)
            message_texts[message_path.stem] = (display, text)
    digest = hashlib.sha256()
    for name, data in sorted(hashed):
        digest.update(name.encode() + b"\0" + data + b"\0")
    sources, has_registry = _sources(meta.get("sources"), meta_path)
    language = str(meta.get("language", "en"))
    languages = tuple(str(x) for x in _names(meta.get("languages", [language]), "languages", meta_path))
    if language not in languages:
        languages = (language,) + languages
    return RulesetFiles(
        root=str(path), name=str(meta.get("name", name_default)), title=str(meta.get("title", "")),
        version=str(meta.get("version", "0")), language=language, languages=languages,
        outputs=tuple(str(x) for x in _names(meta.get("outputs") or (), "outputs", meta_path)),
        sources=sources, has_registry=has_registry,
        rule_texts=rule_texts, messages=messages, sha256=digest.hexdigest(), message_texts=message_texts,
        message_sections=message_sections,
        settings=meta, settings_path=str(meta_path) if meta else "", settings_text=meta_text if meta else "")


def _entries(folder: Path, pattern: str) -> list:
    try:
        return sorted(folder.glob(pattern))
    except OSError as error:
        raise _refused(str(folder), f"cannot be listed ({error.strerror or error})") from None


def _names(raw, key: str, meta_path: Path) -> list:
    """A list setting of ruleset.yaml (one name alone is a list of one); anything else is refused."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, (list, tuple)) and all(isinstance(x, (str, int, float)) for x in raw):
        return list(raw)
    raise RuleError(Diagnostic("error", "syntax", f"{meta_path}: `{key}` must be a list of names, e.g. [en, fr]"))


def _messages(data, path: Path) -> dict:
    """The translations of a messages/<lang>.yaml: mappings of name → text under because, titles, symbols."""
    if not isinstance(data, dict):
        raise RuleError(Diagnostic("error", "syntax", f"{path}: expected a mapping with `because`, `titles` "
                                   f"and `symbols`"))
    out = {}
    for section in MESSAGE_SECTIONS:
        entries = data.get(section) or {}
        if not isinstance(entries, dict):
            raise RuleError(Diagnostic("error", "syntax", f"{path}: `{section}` must be a mapping of name → text"))
        for name, text in entries.items():
            if not isinstance(text, (str, int, float)) or isinstance(text, bool):
                raise RuleError(Diagnostic("error", "syntax", f"{path}: `{section}.{name}` must be a text"))
        out[section] = {str(name): str(text) for name, text in entries.items()}
    return out


def _sources(raw, meta_path: Path) -> tuple[dict, bool]:
    if raw is None:
        return {}, False
    if isinstance(raw, list):  # a list of {id: ..., ...} is accepted too
        raw = {entry.get("id"): entry for entry in raw if isinstance(entry, dict)}
    if not isinstance(raw, dict):
        raise RuleError(Diagnostic("error", "syntax", f"{meta_path}: `sources` must be a mapping of id → details"))
    sources = {}
    for source_id, entry in raw.items():
        entry = entry if isinstance(entry, dict) else {"title": str(entry)}
        sources[str(source_id)] = Source(str(source_id), **{k: str(entry.get(k, "") or "") for k in
                                                              ("title", "url", "publisher", "status", "note")})
    return sources, True
