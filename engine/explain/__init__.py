"""explain: a trace → the explanation a person reads, in each language the engine speaks."""
from engine.lazy_modules import submodule_getter

__getattr__ = submodule_getter(__name__)
