"""lazy_modules: `package.module` reachable after only `import package`, imported on first use.

The flat engine/ let `import engine; engine.trace_fast.X` work through engine/__init__.py's
`__getattr__`; the stage packages (engine/syntax/, engine/trace/, …) keep that for their modules
with this one function instead of a copy of it each.
"""
from __future__ import annotations

import importlib


def submodule_getter(package: str):
    """A module `__getattr__` for `package`: its submodule `name`, or AttributeError."""

    def __getattr__(name: str):
        try:
            return importlib.import_module(f"{package}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{package}.{name}":
                raise  # the submodule exists, and something it imports is missing
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
    return __getattr__
