"""explain: a trace → the explanation a person reads, in each language the engine speaks."""
import importlib


def __getattr__(name: str):
    # `engine.explain.x` after only `import engine.explain`, as the flat engine/ allowed: imported on first use
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
