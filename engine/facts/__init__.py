"""facts: the facts documents people write (YAML, JSON), read into values a ruleset checks."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
