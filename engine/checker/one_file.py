"""one_file: the note for one .rules file of a ruleset folder checked alone, whose unknown names
its neighbours declare (`verdict check css.rules` in a folder of twelve)."""
from __future__ import annotations

import os
import re

from engine.errors import Diagnostic


def one_file_of_a_ruleset(path: str, diagnostics: list) -> list:
    """A note when one .rules file of a ruleset folder (one with a ruleset.yaml) is checked alone and
    the names it does not know are declared in the folder's other files (which share one namespace)."""
    unknown = {m.group(1) for d in diagnostics if d.code == "unknown-name"
               for m in [re.match(r"unknown name `([^`]+)`", d.message)] if m}
    folder = os.path.dirname(path) or "."
    # (a folder with a ruleset.yaml: a folder of unrelated one-file examples is not a ruleset)
    if not (unknown and os.path.isfile(path) and os.path.isfile(os.path.join(folder, "ruleset.yaml"))):
        return []
    declared = re.compile(r"^[ \t]*(?:input|decision|parameter|type|function)[ \t]+([A-Za-z_]\w*)", re.M)
    where: dict = {}
    for name in sorted(os.listdir(folder)):
        other = os.path.join(folder, name)
        if name.endswith(".rules") and name != os.path.basename(path) and os.path.getsize(other) < 10_000_000:
            with open(other, encoding="utf-8", errors="replace") as file:
                for found in declared.findall(file.read()):
                    if found in unknown:
                        where.setdefault(found, name)
    if not where:
        return []
    shown = ", ".join(f"`{n}` ({where[n]})" for n in sorted(where)[:3]) + (", …" if len(where) > 3 else "")
    return [Diagnostic("note", "one-file", f"{len(where)} of the names unknown here are declared in other files of "
                       f"{folder}, which share one namespace with this one: {shown}",
                       hint=f"check the folder: verdict check {folder}")]
