"""checker: the typed model → `verdict check`'s findings: gaps, overlaps, rows that never fire."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
