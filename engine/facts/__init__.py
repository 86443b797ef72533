"""facts: the facts documents people write (YAML, JSON), read into values a ruleset checks."""
import importlib


def __getattr__(name: str):
    # `engine.facts.x` after only `import engine.facts`, as the flat engine/ allowed: imported on first use
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
