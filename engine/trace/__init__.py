"""trace: decision records → the Verdict and its trace; traces checked, replayed and signed."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
