"""syntax: rule-file text → the AST (engine/ast.py), with messages that point at the line."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
