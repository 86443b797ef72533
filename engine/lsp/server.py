"""server: the verdict language server (pygls 2) over stdio. It converts between LSP's positions
(0-based, in the client's code units) and the engine's (1-based, in characters), and otherwise
delegates: project.analyse for diagnostics, features for hover, definition and completion,
engine.fmt for formatting.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Optional

import attrs
from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path
from pygls.workspace import PositionCodec

from engine.errors import RuleError
from engine.fmt import format_text
from engine.lsp import features
from engine.lsp.project import Analysis, analyse, unavailable

SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning}
KINDS = {"type": types.CompletionItemKind.Enum, "symbol": types.CompletionItemKind.EnumMember,
         "input": types.CompletionItemKind.Variable, "parameter": types.CompletionItemKind.Constant,
         "decision": types.CompletionItemKind.Function, "function": types.CompletionItemKind.Function,
         "name": types.CompletionItemKind.Variable, "keyword": types.CompletionItemKind.Keyword,
         "hit policy": types.CompletionItemKind.Keyword, "source": types.CompletionItemKind.Reference,
         "recordtype": types.CompletionItemKind.Struct, "field": types.CompletionItemKind.Field}  # records


class VerdictServer(LanguageServer):
    def __init__(self):
        super().__init__("verdict", "0.1.0", text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.analyses: dict[str, Analysis] = {}  # real path -> the last analysis of its ruleset

    def buffers(self) -> dict:
        return {to_fs_path(uri): doc.source for uri, doc in self.workspace.text_documents.items()}

    def refresh(self, uri: str) -> None:
        path = to_fs_path(uri)
        if path is None:  # an unsaved, untitled document: no folder, no ruleset to check it in
            return
        try:
            analysis = analyse(path, self.buffers())
        except Exception as error:  # noqa: BLE001 - a bug must not stop the server; the user is told
            analysis = unavailable(path, f"verdict could not check this ruleset ({type(error).__name__}: {error})")
        previous = self.analyses.get(path)
        if analysis.ruleset is None and previous is not None and previous.ruleset is not None:
            # while the rules have an error, hover still knows the types it knew a moment ago
            analysis = attrs.evolve(analysis, ruleset=previous.ruleset)
        for member in analysis.members:
            self.analyses[member] = analysis
        for file, found in analysis.diagnostics.items():
            lines = analysis.texts.get(file, "").split("\n")
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=from_fs_path(file), diagnostics=[self.diagnostic(d, lines, file) for d in found]))

    def codec(self, file: str) -> PositionCodec:
        uri = from_fs_path(file)
        if uri in self.workspace.text_documents:
            return self.workspace.get_text_document(uri).position_codec
        return PositionCodec()

    def to_range(self, span, lines: list, file: str) -> types.Range:
        codec = self.codec(file)
        start = types.Position(line=span.line - 1, character=span.column - 1)
        end = types.Position(line=span.end_line - 1, character=span.end_column - 1)
        text_lines = [line + "\n" for line in lines]
        return types.Range(start=codec.position_to_client_units(text_lines, start),
                           end=codec.position_to_client_units(text_lines, end))

    def diagnostic(self, diagnostic, lines: list, file: str) -> types.Diagnostic:
        if diagnostic.span is not None and diagnostic.span.file == file:
            where = self.to_range(diagnostic.span, lines, file)
        else:
            where = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        message = diagnostic.message + (f"\n{diagnostic.hint}" if diagnostic.hint else "")
        return types.Diagnostic(range=where, message=message, severity=SEVERITY.get(diagnostic.severity),
                                code=diagnostic.code, source="verdict")

    def position(self, uri: str, position: types.Position) -> tuple[str, int, int]:
        """(real path, 1-based line, 1-based column in characters) of an LSP position."""
        document = self.workspace.get_text_document(uri)
        server = document.position_codec.position_from_client_units(document.lines, position)
        return to_fs_path(uri), server.line + 1, server.character + 1

    def analysis(self, path: str) -> Optional[Analysis]:
        if path not in self.analyses:
            self.refresh(from_fs_path(path))
        return self.analyses.get(path)

    def located(self, params) -> tuple:
        """(the analysis or None, real path, line, column) of a request at a position."""
        path, line, column = self.position(params.text_document.uri, params.position)
        return self.analysis(path), path, line, column


server = VerdictServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: VerdictServer, params: types.DidOpenTextDocumentParams):
    ls.refresh(params.text_document.uri)


PAUSE_SECONDS = 0.2  # a ruleset is checked once the typing pauses this long, not at every key


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: VerdictServer, params: types.DidChangeTextDocumentParams):
    await asyncio.sleep(PAUSE_SECONDS)
    document = ls.workspace.get_text_document(params.text_document.uri)
    if document.version == params.text_document.version:  # no newer change came in the meantime
        ls.refresh(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: VerdictServer, params: types.DidSaveTextDocumentParams):
    ls.refresh(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: VerdictServer, params: types.HoverParams):
    analysis, path, line, column = ls.located(params)
    text = features.hover(analysis, path, line, column) if analysis else None
    if text is None:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: VerdictServer, params: types.DefinitionParams):
    analysis, path, line, column = ls.located(params)
    declared = features.definition(analysis, path, line, column) if analysis else None
    if declared is None:
        return None
    file = declared.span.file
    return types.Location(uri=from_fs_path(file),
                          range=ls.to_range(declared.span, analysis.texts.get(file, "").split("\n"), file))


@server.feature(types.TEXT_DOCUMENT_COMPLETION)
def completion(ls: VerdictServer, params: types.CompletionParams):
    analysis, path, line, column = ls.located(params)
    if analysis is None:
        return None
    # the analysis may be a keystroke behind: complete against the text the editor has now
    current = ls.workspace.get_text_document(params.text_document.uri).source
    analysis = attrs.evolve(analysis, texts={**analysis.texts, path: current})
    items = [types.CompletionItem(label=label, kind=KINDS.get(kind), detail=detail)
             for label, kind, detail in features.completions(analysis, path, line, column)]
    return types.CompletionList(is_incomplete=False, items=items)


SYMBOL_KINDS = {"type": types.SymbolKind.Enum, "input": types.SymbolKind.Variable,
                "parameter": types.SymbolKind.Constant, "decision": types.SymbolKind.Function,
                "assert": types.SymbolKind.Property, "recordtype": types.SymbolKind.Struct}  # records (h16-records)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbols(ls: VerdictServer, params: types.DocumentSymbolParams):
    """The outline: every declaration of the document, in order (a decision once per version)."""
    path = to_fs_path(params.text_document.uri)
    analysis = ls.analysis(path)
    rule_file = analysis.parsed.get(path) if analysis else None
    if rule_file is None:
        return []
    lines = analysis.texts[path].split("\n")
    symbols = []
    for decl in rule_file.declarations:
        kind = type(decl).__name__.replace("Decl", "").lower()
        where = ls.to_range(decl.span, lines, path)
        symbols.append(types.DocumentSymbol(name=decl.name, kind=SYMBOL_KINDS[kind], range=where,
                                            selection_range=where, detail=kind))
    return symbols


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: VerdictServer, params: types.DocumentFormattingParams):
    document = ls.workspace.get_text_document(params.text_document.uri)
    try:
        formatted = format_text(document.source, to_fs_path(params.text_document.uri))
    except RuleError:
        return []  # the diagnostics already say what is wrong; nothing is changed until it parses
    if formatted == document.source:
        return []
    lines = document.lines
    end = types.Position(line=len(lines), character=0)
    return [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0), end=end), new_text=formatted)]


class _OneLine(logging.Formatter):
    """pygls logs a malformed message with its traceback; the editor's log gets one line instead
    (VERDICT_DEBUG=1 keeps the traceback)."""

    def format(self, record):
        record.exc_info = record.exc_text = None
        record.stack_info = None
        return super().format(record)


def main() -> None:
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("VERDICT_DEBUG") != "1":
        handler.setFormatter(_OneLine("verdict lsp: %(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    server.start_io()
