"""evaluation: a plan + facts + an as-of date → decision records, the raw material of a verdict."""
import importlib


def __getattr__(name: str):
    # `engine.evaluation.x` after only `import engine.evaluation`, as the flat engine/ allowed: imported on first use
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
