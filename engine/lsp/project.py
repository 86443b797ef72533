"""project: the ruleset a document being edited belongs to, checked with the editor's unsaved texts.

A document in a folder with a ruleset.yaml belongs to that folder's ruleset (every *.rules file
there); any other document is a ruleset of one file. The ruleset is written to a private temporary
folder with the open documents' texts in place of the saved ones, checked there as `verdict check`
checks it, and every position is mapped back to the real file. Nothing here speaks LSP.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Optional

import attrs

from engine import ast
from engine.errors import Diagnostic, RuleError
from engine.syntax.parse import parse
from engine.ruleset import check_path, load_ruleset


@attrs.frozen
class Declared:
    """A name the rules declare: where, and what declares it (for a symbol, its enumeration)."""

    name: str
    kind: str  # type | input | parameter | decision | symbol
    span: object
    decl: object
    enum_name: Optional[str] = None


@attrs.frozen
class Analysis:
    members: tuple            # the real paths of the ruleset's rule files
    diagnostics: dict         # real path -> [Diagnostic]
    parsed: dict              # real path -> ast.RuleFile, for the files that parse
    texts: dict               # real path -> the text checked
    ruleset: object = None    # the loaded Ruleset (positions in the temporary copy), None if it has errors

    def declared(self) -> dict:
        """name -> Declared, across every file that parses (the first declaration of a name wins)."""
        found: dict = {}
        for rule_file in self.parsed.values():
            for decl in rule_file.declarations:
                kind = type(decl).__name__.replace("Decl", "").lower()
                found.setdefault(decl.name, Declared(decl.name, kind, decl.span, decl))
                for enum, enum_name in _enums_of(decl):
                    for symbol in enum.symbols:
                        found.setdefault(symbol.name, Declared(symbol.name, "symbol", symbol.span, decl, enum_name))
        return found


def _enums_of(decl):
    if isinstance(decl, ast.TypeDecl):
        yield decl.enum, decl.name
    elif isinstance(getattr(decl, "type", None), ast.EnumTypeExpr):
        yield decl.type, f"the type of `{decl.name}`"


def members_of(path: Path, open_paths) -> tuple[Path, list[Path]]:
    """(the folder of the ruleset or the file itself, its rule files) for a document."""
    folder = path.parent
    if (folder / "ruleset.yaml").is_file():
        names = {p.name for p in folder.glob("*.rules")}
        names.update(Path(p).name for p in open_paths if Path(p).parent == folder and str(p).endswith(".rules"))
        return folder, [folder / name for name in sorted(names)]
    return path, [path]


def analyse(path: str, buffers: dict) -> Analysis:
    """Check the ruleset of the document at `path`; `buffers` maps real paths to unsaved texts."""
    document = Path(path)
    root, members = members_of(document, buffers)
    texts = {}
    for member in members:
        if str(member) in buffers:
            texts[str(member)] = buffers[str(member)]
        else:
            try:
                texts[str(member)] = member.read_bytes().decode("utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue  # check reports an unreadable file; the copy below leaves it out
    with tempfile.TemporaryDirectory(prefix="verdict-lsp-") as scratch:
        folder = Path(scratch)
        if root.is_dir():
            shutil.copy(root / "ruleset.yaml", folder / "ruleset.yaml")
            if (root / "messages").is_dir():
                shutil.copytree(root / "messages", folder / "messages")
        for real, text in texts.items():
            (folder / Path(real).name).write_text(text, encoding="utf-8")
        target = folder if root.is_dir() else folder / document.name
        real_folder = str(root if root.is_dir() else root.parent)
        try:
            ruleset = load_ruleset(str(target))
            found = ruleset.check()  # what check_path gives for rules without errors, without loading twice
        except RuleError:
            ruleset = None
            found, _ = check_path(str(target))
    diagnostics = {str(m): [] for m in members}
    for diagnostic in found:
        if diagnostic.span is None or not diagnostic.span.file.startswith(scratch):
            diagnostics.setdefault(path, []).append(diagnostic)
            continue
        real = real_folder + diagnostic.span.file[len(scratch):]
        diagnostics.setdefault(real, []).append(
            attrs.evolve(diagnostic, span=attrs.evolve(diagnostic.span, file=real)))
    parsed = {}
    for real, text in texts.items():
        try:
            parsed[real] = parse(text, real)
        except RuleError:
            pass
    return Analysis(tuple(str(m) for m in members), diagnostics, parsed, texts, ruleset)


def unavailable(path: str, message: str) -> Analysis:
    """What is known when the ruleset could not be checked at all."""
    return Analysis((path,), {path: [Diagnostic("error", "internal", message)]}, {}, {})
