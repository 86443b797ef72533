"""compiler: the typed model → plans of closures and generated code (literals through repr only)."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
