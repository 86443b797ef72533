"""evaluation: a plan + facts + an as-of date → decision records, the raw material of a verdict."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
