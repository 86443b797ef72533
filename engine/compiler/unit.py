"""unit: the source of one unit of generated code, built safely, checked and run.

Identifiers are made here (never taken from a rule file or the facts), literals enter through
`repr`, objects are passed in through `K`; `run_checked` parses the source back, refuses any
name, attribute, constant or statement it did not expect, and only then runs it, on the one line
marked `# repr-only codegen`.
"""
from __future__ import annotations

import ast as pyast
import datetime
import re
import threading
from decimal import Decimal

from engine.durations import Months

_SAFE_BUILTINS = {"len": len, "min": min, "max": max, "abs": abs, "int": int, "tuple": tuple, "dict": dict,
                  "zip": zip, "frozenset": frozenset, "True": True, "False": False, "None": None}
_ATTRIBUTES = frozenset({"append", "get", "year", "month", "day", "bit_length", "quantize"})
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# CPython keeps the AST converter's recursion depth per interpreter, not per thread: two threads
# parsing or compiling at once can fail with "AST constructor recursion depth mismatch". Every
# unit is built under this lock; a unit is built once, so evaluation never waits on it after that.
_COMPILING = threading.Lock()


class Unsupported(Exception):
    """A construct the generator does not know (or a unit that failed its check): the ruleset is
    then evaluated by the closures of compiler/compile.py, which give the same results."""


class Unit:
    """The source of one factory: its identifiers, hoisted constants and the objects in K."""

    def __init__(self):
        self.lines: list[str] = []
        self.helpers: list[str] = []    # functions at the factory's level (row outputs)
        self.taken: list[str] = []      # `k3 = K[3]`: the objects passed in
        self.bindings: list[str] = []   # what comes after the objects in K (parameter values, ...)
        self.constants: list[str] = []  # `c0 = Decimal('8')`: literals made once
        self.objects: list = []
        self._object_names: dict = {}
        self._constants: dict = {}
        self.names: set = {"K", "Decimal", "datetime"}
        self._counters: dict = {}

    def name(self, prefix: str) -> str:
        count = self._counters.get(prefix, 0)
        self._counters[prefix] = count + 1
        return self.local(f"{prefix}{count}")

    def local(self, identifier: str) -> str:
        if not _IDENTIFIER.match(identifier):
            raise Unsupported(f"not an identifier the generator makes: {identifier!r}")
        self.names.add(identifier)
        return identifier

    def obj(self, value) -> str:
        """A name for an object passed in through K (a plan, an index, a span, a helper)."""
        key = id(value)
        if key not in self._object_names:
            name = self.name("k")
            self.taken.append(f"{name} = K[{len(self.objects)}]")
            self.objects.append(value)
            self._object_names[key] = name
        return self._object_names[key]

    def literal(self, value) -> str:
        """A literal value as source: through repr, hoisted into the factory when it is a call."""
        if value is None or type(value) in (bool, int, str):
            return repr(value)
        if type(value) in (Decimal, datetime.date):
            key = (type(value), repr(value))
            if key not in self._constants:
                name = self.name("c")
                self.constants.append(f"{name} = {repr(value)}")
                self._constants[key] = name
            return self._constants[key]
        if type(value) in (datetime.timedelta, Months):  # durations (h16-dur)
            return self.obj(value)  # passed in through K, as objects are: no constructor in the source
        raise Unsupported(f"literal of type {type(value).__name__}")

    def frozen(self, literals: list) -> str:
        name = self.name("c")
        self.constants.append(f"{name} = frozenset(({''.join(item + ', ' for item in literals)}))")
        return name

    def emit(self, depth: int, line: str, helper: bool = False):
        (self.helpers if helper else self.lines).append("    " * depth + line)

    def source(self, returned: list) -> str:
        preamble = self.taken + self.bindings + self.constants
        body = ["def factory(K):"] + ["    " + line for line in preamble] + self.helpers + self.lines
        body.append(f"    return ({''.join(name + ', ' for name in returned)})")
        return "\n".join(body) + "\n"


def run_checked(source: str, names: set, what: str) -> dict:
    """Parse the generated source, check it, run it; its namespace (holding `factory`)."""
    with _COMPILING:
        tree = pyast.parse(source, filename=f"<verdict {what}>")
        _check(tree, names)
        namespace = {"__builtins__": _SAFE_BUILTINS, "Decimal": Decimal, "datetime": datetime}
        code = compile(tree, f"<verdict {what}>", "exec")
        _run(code, namespace)
    return namespace


def _check(tree, names: set):
    """The generated source, read back: only identifiers made here, known attributes, plain literals."""
    allowed = names | set(_SAFE_BUILTINS) | {"factory"}
    for node in pyast.walk(tree):
        if isinstance(node, pyast.Name) and node.id not in allowed:
            raise Unsupported(f"generated code uses an unknown name {node.id!r}")
        if isinstance(node, pyast.Attribute) and node.attr not in _ATTRIBUTES:
            raise Unsupported(f"generated code uses an unknown attribute {node.attr!r}")
        if isinstance(node, pyast.Constant) and type(node.value) not in (int, str, bool, type(None)):
            raise Unsupported(f"generated code holds a constant of type {type(node.value).__name__}")
        if isinstance(node, (pyast.Import, pyast.ImportFrom, pyast.Global, pyast.Nonlocal, pyast.Lambda,
                             pyast.ClassDef, pyast.AsyncFunctionDef, pyast.Await, pyast.Yield, pyast.YieldFrom)):
            raise Unsupported(f"generated code holds a {type(node).__name__}")
        if isinstance(node, pyast.FunctionDef) and node.name not in allowed:
            raise Unsupported(f"generated code defines an unknown function {node.name!r}")


def _run(code, namespace: dict):
    exec(code, namespace)  # repr-only codegen
