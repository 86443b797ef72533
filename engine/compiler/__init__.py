"""compiler: the typed model → plans of closures and generated code (literals through repr only)."""
import importlib


def __getattr__(name: str):
    # `engine.compiler.x` after only `import engine.compiler`, as the flat engine/ allowed: imported on first use
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
