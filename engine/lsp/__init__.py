"""lsp: the verdict language server (`verdict lsp`, over stdio): diagnostics as you type, hover,
go to definition, completion and formatting. See docs/editors.md."""
from __future__ import annotations


def register(sub) -> None:
    lsp = sub.add_parser("lsp", help="run the language server over stdio (for editors: docs/editors.md)")
    lsp.set_defaults(run=cmd_lsp)


def cmd_lsp(args) -> int:
    from engine.lsp.server import main
    main()
    return 0
