"""Reading a ruleset from disk: ruleset.yaml, the *.rules files, messages; the content hash."""
from __future__ import annotations

import hashlib
import os
import re
import stat
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs
import yaml

from engine.errors import Diagnostic, RuleError
from engine.span import Span

MAX_RULE_FILE_BYTES = 2_000_000


@attrs.frozen
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


@attrs.frozen
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


class SafeLoader(yaml.SafeLoader):
    """YAML without Python tags, without duplicate keys and with a bound on aliases."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base`: merged keys may be overridden
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = hash(key) is not None and key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a name, a number or a date, not a list or a mapping",
                key_node.start_mark) from None
        if duplicate:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key `{key}`", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# YAML 1.2 booleans: only true and false. Under YAML 1.1's rules `NO` (Norway), `yes`, `on` and
# `off` are booleans too, and a country code or a word would silently become true or false.
SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
SafeLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))

# YAML 1.2 core-schema numbers. Under YAML 1.1's rules `010` is 8, `0x1F` 31, `0b101` 5 and `1:30`
# 90: a fact would silently take another value than the one written. Here `010` is 10, `1:30` is a
# text (which a number fact refuses by name), and a number in another base is refused with a hint.
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NUMBER_TAGS]
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()}
SafeLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
OTHER_BASE_TAG = "tag:verdict,2026:number-in-another-base"
SafeLoader.add_implicit_resolver(OTHER_BASE_TAG, re.compile(r"^[-+]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)$"),
                                 list("-+0"))


def _number_in_another_base(loader, node):
    text = loader.construct_scalar(node)
    base = {"x": "a hexadecimal", "o": "an octal", "b": "a binary"}[text.lstrip("+-")[1].lower()]
    digits = text.replace("_", "")
    try:
        decimal = f" ({int(digits, 0)} in decimal digits)" if len(digits) <= 40 else ""
    except ValueError:  # `0x_`: no digit at all
        decimal = ""
    raise yaml.constructor.ConstructorError(
        None, None, f"`{text}` is {base} number{decimal}; write numbers in decimal digits, "
        f"or in quotes (\"{text}\") if it is a text", node.start_mark)


def _decimal_int(loader, node):
    """A YAML 1.2 integer: decimal digits, leading zeros meaning nothing (`010` is 10)."""
    return int(loader.construct_scalar(node), 10)


SafeLoader.add_constructor(OTHER_BASE_TAG, _number_in_another_base)


def _kept_as_written(construct):
    """A scalar YAML cannot build (`2001-13-45`, an int of 5,000 digits) stays the text written, so
    the check of the fact that receives it names the fact and says what is wrong."""
    def lenient(loader, node):
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)
    return lenient


def _exact_number(loader, node):
    """A YAML float as the exact decimal written (`99999999999999.99`, `1.10`), never a binary float;
    `.nan` and `.inf` stay floats, for the fact check to refuse by name."""
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return yaml.SafeLoader.construct_yaml_float(loader, node)
    return value if value.is_finite() else yaml.SafeLoader.construct_yaml_float(loader, node)


for _tag, _construct in (("timestamp", yaml.SafeLoader.construct_yaml_timestamp),
                         ("int", _decimal_int),
                         ("float", _exact_number)):
    SafeLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _kept_as_written(_construct))

MAX_YAML_ALIASES = 100
MAX_YAML_VALUES = 1_000_000  # values in a YAML document once its aliases are expanded


def load_yaml(text: str, what: str):
    """Safe YAML: plain data only, duplicate keys refused, alias bombs refused."""
    if text.count("*") > MAX_YAML_ALIASES and _alias_count(text) > MAX_YAML_ALIASES:
        raise ValueError(f"{what}: more than {MAX_YAML_ALIASES} YAML aliases; aliases are not needed here")
    loader = None
    try:
        loader = SafeLoader(text)  # the reader refuses control characters here, with a mark
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node, what)
        return loader.construct_document(node)
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or ""
        if problem.startswith("could not determine a constructor for the tag"):
            tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            problem = (f"the YAML tag `{tag}` is not allowed; write plain values (text, numbers, true/false, "
                       f"dates, lists and mappings)")
        raise ValueError(f"{what}: {problem}{where}") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{what}: {error.problem or error.context}{where}") from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        raise ValueError(f"{what}: the control character U+{code:04X} at line {line}, column {column} "
                         f"is not allowed; delete it") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{what}: {error}") from None
    except RecursionError:
        raise ValueError(f"{what}: the lists and mappings are nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _check_expanded_size(root, what: str) -> None:
    """Refuse a document that aliases would expand beyond MAX_YAML_VALUES values ("billion laughs"),
    or that contains itself through an alias. Iterative: counts each distinct node once."""
    size: dict = {}
    active: set = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            active.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            if size[key] > MAX_YAML_VALUES:
                raise ValueError(f"{what}: with its aliases expanded the document has more than "
                                 f"{MAX_YAML_VALUES:,} values; write the data out plainly")
            continue
        if key in size:
            continue
        if key in active:
            mark = node.start_mark
            raise ValueError(f"{what}: an alias refers to the list or mapping that contains it, at line "
                             f"{mark.line + 1}, column {mark.column + 1}")
        active.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in active:
                mark = child.start_mark
                raise ValueError(f"{what}: an alias refers to the list or mapping that contains it, at line "
                                 f"{mark.line + 1}, column {mark.column + 1}")
            if id(child) not in size:
                stack.append((child, False))


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _alias_count(text: str) -> int:
    try:
        return sum(1 for event in yaml.parse(text, Loader=yaml.SafeLoader) if isinstance(event, yaml.AliasEvent))
    except yaml.YAMLError:
        return 0


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def _refused(display: str, problem: str, hint: str | None = None) -> RuleError:
    return RuleError(Diagnostic("error", "not-found", f"{display}: {problem}", hint=hint))


def read_folder_file(path: Path, display: str, folder: Path | None = None, limit: int = MAX_RULE_FILE_BYTES) -> str:
    """The UTF-8 text of a file of a ruleset: a regular file (never a pipe, a device or a folder),
    inside `folder` when given (a symbolic link out of it is refused: its content is never read nor
    shown), at most `limit` bytes read. Every failure is a RuleError naming the file."""
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
    messages, message_texts = {}, {}
    messages_dir = folder / "messages"
    if not single and messages_dir.is_dir():
        for message_path in _entries(messages_dir, "*.yaml"):
            text = read_folder_file(message_path, str(message_path), inside)
            hashed.append((f"messages/{message_path.name}", text.encode()))
            try:
                data = load_yaml(text, str(message_path)) or {}
            except ValueError as error:
                raise RuleError(Diagnostic("error", "syntax", str(error))) from None
            messages[message_path.stem] = _messages(data, message_path)
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
    for section in ("because", "titles", "symbols"):
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
