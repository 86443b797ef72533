"""syntax: rule-file text → the AST (engine/ast.py), with messages that point at the line."""
import importlib


def __getattr__(name: str):
    # `engine.syntax.x` after only `import engine.syntax`, as the flat engine/ allowed: imported on first use
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
