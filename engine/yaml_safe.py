"""yaml_safe: the YAML reader of every file verdict reads (ruleset.yaml, messages, facts, cases):
plain data only, YAML 1.2 booleans and numbers, duplicate keys and alias bombs refused.

    load_yaml(text, what) → the document's data; ValueError naming `what` and the place

Apart from engine/ruleset_files.py (which calls it, and names it for its callers) so that PyYAML
(some 13 ms to import) is imported only by a process that reads YAML: a ruleset from the cache
does not.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import yaml

from engine.errors import YamlSyntaxError

# PyYAML's words for the mistakes people make most, in a policy editor's
_PLAIN_WORDS = {
    "expected <block end>, but found '<scalar>'":
        "more text after a value: a line holds one `name: value` (a text with quotes inside goes in other quotes)",
    "mapping values are not allowed here":
        "a `:` is not expected here: a text that contains `: ` goes in quotes, and a `name:` line is "
        "indented only inside a mapping",
    "found unexpected end of stream": "the file ends here",
}


def _at(what: str, problem: str, mark) -> YamlSyntaxError:
    problem = _PLAIN_WORDS.get(problem, problem).replace("'<stream end>'", "the end of the file")
    return YamlSyntaxError(what, problem, mark.line + 1, mark.column + 1) if mark else YamlSyntaxError(what, problem)


_CONTEXTS = {"a flow sequence": "the list `[…]`", "a flow mapping": "the mapping `{…}`",
             "a quoted scalar": "the quoted text", "a block mapping": "the mapping", "a block collection": "the list",
             "a simple key": "the name"}


def _within(error) -> str | None:
    """PyYAML's context ("while parsing a flow sequence", at its `[`) in a reader's words."""
    context, mark = error.context or "", error.context_mark
    if not (error.problem and mark and context.startswith(("while parsing ", "while scanning "))):
        return None
    thing = context.split(" ", 2)[2]
    return f"in {_CONTEXTS.get(thing, thing)} that starts at line {mark.line + 1}, column {mark.column + 1}"


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
        problem = error.problem or error.context or ""
        if problem.startswith("could not determine a constructor for the tag"):
            tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            problem = (f"the YAML tag `{tag}` is not allowed; write plain values (text, numbers, true/false, "
                       f"dates, lists and mappings)")
        raise _at(what, problem, error.problem_mark or error.context_mark) from None
    except yaml.MarkedYAMLError as error:
        found = _at(what, error.problem or error.context, error.problem_mark or error.context_mark)
        found.within = _within(error)
        raise found from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        code = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        error = YamlSyntaxError(what, f"the control character U+{code:04X} is not allowed; delete it", line, column)
        raise error from None
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
