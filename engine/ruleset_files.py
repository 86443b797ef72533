"""Reading a ruleset from disk: ruleset.yaml, the *.rules files, messages; the content hash."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

import attrs
import yaml

from engine.errors import Diagnostic, RuleError

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


class SafeLoader(yaml.SafeLoader):
    """YAML without Python tags, without duplicate keys and with a bound on aliases."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key `{key}`", key_node.start_mark)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


SafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

MAX_YAML_ALIASES = 100


def load_yaml(text: str, what: str):
    """Safe YAML: plain data only, duplicate keys refused, alias bombs refused."""
    if text.count("*") > MAX_YAML_ALIASES and _alias_count(text) > MAX_YAML_ALIASES:
        raise ValueError(f"{what}: more than {MAX_YAML_ALIASES} YAML aliases; aliases are not needed here")
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ValueError(f"{what}: {error.problem or error.context}{where}") from None
    except yaml.YAMLError as error:
        raise ValueError(f"{what}: {error}") from None


def _alias_count(text: str) -> int:
    try:
        return sum(1 for event in yaml.parse(text, Loader=yaml.SafeLoader) if isinstance(event, yaml.AliasEvent))
    except yaml.YAMLError:
        return 0


def _read_text(path: Path, display: str) -> str:
    data = path.read_bytes()
    if len(data) > MAX_RULE_FILE_BYTES:
        raise RuleError(Diagnostic("error", "syntax",
                                   f"{display}: the file is {len(data):,} bytes; the limit is {MAX_RULE_FILE_BYTES:,}"))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise RuleError(Diagnostic("error", "syntax",
                                   f"{display}:{line}:{column}: byte 0x{data[error.start]:02x} is not UTF-8",
                                   hint="save the file as UTF-8")) from None


def read_ruleset(path: str | Path) -> RulesetFiles:
    """The texts of a ruleset folder, or of a single .rules file (a ruleset of one file)."""
    root = Path(path)
    if not root.exists():
        raise RuleError(Diagnostic("error", "not-found", f"{path}: no such file or folder"))
    if root.is_file():
        folder, rule_paths = root.parent, [root]
        name_default = root.stem
    else:
        folder, rule_paths = root, sorted(root.glob("*.rules"))
        name_default = root.resolve().name
        if not rule_paths:
            raise RuleError(Diagnostic("error", "not-found", f"{path}: no .rules file in this folder"))
    meta = {}
    meta_path = folder / "ruleset.yaml"
    hashed: list[tuple[str, bytes]] = []
    if root.is_dir() and meta_path.exists():
        meta_text = _read_text(meta_path, str(meta_path))
        hashed.append(("ruleset.yaml", meta_text.encode()))
        try:
            meta = load_yaml(meta_text, str(meta_path)) or {}
        except ValueError as error:
            raise RuleError(Diagnostic("error", "syntax", str(error))) from None
        if not isinstance(meta, dict):
            raise RuleError(Diagnostic("error", "syntax", f"{meta_path}: expected a mapping of settings"))
    rule_texts = {}
    for rule_path in rule_paths:
        display = str(rule_path) if root.is_file() else str(Path(path) / rule_path.name)
        text = _read_text(rule_path, display)
        rule_texts[display] = text
        hashed.append((rule_path.name, text.encode()))
    messages = {}
    messages_dir = folder / "messages"
    if root.is_dir() and messages_dir.is_dir():
        for message_path in sorted(messages_dir.glob("*.yaml")):
            text = _read_text(message_path, str(message_path))
            hashed.append((f"messages/{message_path.name}", text.encode()))
            try:
                data = load_yaml(text, str(message_path)) or {}
            except ValueError as error:
                raise RuleError(Diagnostic("error", "syntax", str(error))) from None
            messages[message_path.stem] = {k: dict(data.get(k) or {}) for k in ("because", "titles", "symbols")}
    digest = hashlib.sha256()
    for name, data in sorted(hashed):
        digest.update(name.encode() + b"\0" + data + b"\0")
    sources, has_registry = _sources(meta.get("sources"), meta_path)
    language = str(meta.get("language", "en"))
    languages = tuple(str(x) for x in meta.get("languages", [language]))
    if language not in languages:
        languages = (language,) + languages
    return RulesetFiles(
        root=str(path), name=str(meta.get("name", name_default)), title=str(meta.get("title", "")),
        version=str(meta.get("version", "0")), language=language, languages=languages,
        outputs=tuple(meta.get("outputs") or ()), sources=sources, has_registry=has_registry,
        rule_texts=rule_texts, messages=messages, sha256=digest.hexdigest())


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
