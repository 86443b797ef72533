"""semantics: the AST → a typed model: names resolved, types checked, the decisions' graph."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
