"""The language server, driven over stdio by pygls' own LanguageClient, as an editor drives it:
`verdict lsp` runs in a subprocess; each test opens a document and reads the answers."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

RULES = """\
type Status = {participation, free}
input css_status : Status "Status"
input age : integer 0..130 "Age"

parameter fee : money "Monthly fee" source decree
  from 2019-11-01 = 8 € source decree
  from 2024-01-01 = 9 € source ameli

decision css_participation : money "Monthly participation" hit unique source ameli
  | css_status    | age   || css_participation | because | id
  | participation | <= 29 || fee               | "Aged {age}: {fee} a month." | young
  | participation | > 29  || 14 €              |
  | free          | -     || 0 €               | "Free."
"""

SETTINGS = """\
name: demo
sources:
  ameli: {title: "ameli.fr: the CSS", url: "https://www.ameli.fr/css"}
  decree: {title: "Décret 2019-1234"}
"""


def where(needle: str, text: str = RULES, after: int = 0) -> tuple[int, int]:
    """(line, character) of `needle` in the text (its first occurrence at or after line `after`)."""
    for number, line in enumerate(text.split("\n")):
        if number >= after and needle in line:
            return number, line.index(needle)
    raise AssertionError(needle)


@pytest.fixture
def ruleset(tmp_path) -> Path:
    (tmp_path / "ruleset.yaml").write_text(SETTINGS, encoding="utf-8")
    path = tmp_path / "css.rules"
    path.write_text(RULES, encoding="utf-8")
    return path


class Editor:
    """A client session with the server: what it published, and requests by (line, character)."""

    def __init__(self):
        self.client = LanguageClient("test-editor", "1")
        self.published: dict[str, list] = {}
        self.arrived = asyncio.Event()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams):
            self.published[params.uri] = list(params.diagnostics)
            self.arrived.set()

    async def start(self):
        await self.client.start_io(sys.executable, "-m", "engine", "lsp")
        await self.client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        self.client.initialized(types.InitializedParams())

    async def stop(self):
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()

    async def diagnostics_after(self, send, uri: str):
        self.arrived.clear()
        send()
        while True:
            await asyncio.wait_for(self.arrived.wait(), 60)  # a bound against a hung server, not a timing
            self.arrived.clear()
            if uri in self.published:
                return self.published[uri]

    async def open(self, path: Path, text: str | None = None):
        uri = from_fs_path(str(path))
        text = path.read_text(encoding="utf-8") if text is None else text
        item = types.TextDocumentItem(uri=uri, language_id="verdict", version=1, text=text)
        return await self.diagnostics_after(
            lambda: self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item)), uri)

    async def change(self, path: Path, text: str, version: int = 2):
        uri = from_fs_path(str(path))
        self.published.pop(uri, None)
        params = types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)])
        return await self.diagnostics_after(lambda: self.client.text_document_did_change(params), uri)

    @staticmethod
    def at(path: Path, line: int, character: int = 0) -> dict:
        if isinstance(line, tuple):
            line, character = line[0], line[1] + character
        return {"text_document": types.TextDocumentIdentifier(uri=from_fs_path(str(path))),
                "position": types.Position(line=line, character=character)}

    async def hover(self, path, line, character=0) -> str | None:
        result = await self.client.text_document_hover_async(types.HoverParams(**self.at(path, line, character)))
        return result.contents.value if result else None


def session(steps):
    """Run `steps(editor)` against a fresh server; the server is shut down whatever happens."""
    async def run():
        editor = Editor()
        await editor.start()
        try:
            await steps(editor)
        finally:
            await editor.stop()
    asyncio.run(run())


def test_diagnostics_as_you_type_have_the_checks_ranges(ruleset):
    async def steps(editor: Editor):
        assert await editor.open(ruleset) == []
        broken = RULES.replace("| > 29  || 14 €", "| > 29  || 14 € +")
        [syntax] = await editor.change(ruleset, broken)
        assert (syntax.range.start.line, syntax.range.start.character, syntax.code, syntax.severity) == (
            *where("+", broken), "syntax", types.DiagnosticSeverity.Error)
        assert syntax.message.startswith("unexpected end of the text; expected")
        unknown = RULES.replace("|| fee ", "|| fees")
        [name] = await editor.change(ruleset, unknown, 3)
        assert (name.range.start.line, name.range.start.character, name.code) == (*where("fees", unknown), "unknown-name")
        assert "did you mean `fee`?" in name.message
        assert await editor.change(ruleset, RULES, 4) == []
    session(steps)


def test_hover_names_types_domains_dated_values_sources_and_a_rows_citation(ruleset):
    async def steps(editor: Editor):
        await editor.open(ruleset)
        assert await editor.hover(ruleset, where("css_status", after=9), 1) == (
            "**input** `css_status` : `Status` — Status\n\nvalues: {participation, free}")
        assert await editor.hover(ruleset, where("age :")) == "**input** `age` : `integer` — Age\n\nvalues: 0..130"
        assert await editor.hover(ruleset, where("fee  "), 2) == (
            "**parameter** `fee` : `money` — Monthly fee\n\n"
            "| from | value | source |\n|---|---|---|\n"
            "| 2019-11-01 | 8 € | `decree` — Décret 2019-1234 |\n"
            "| 2024-01-01 | 9 € | `ameli` — ameli.fr: the CSS <https://www.ameli.fr/css> |")
        assert await editor.hover(ruleset, where("free  ")) == "`free`: a value of `Status`"
        assert await editor.hover(ruleset, where("| young")) == (
            "**rule** `young`: row 1 of `css_participation` (hit unique)\n\n"
            "source: `ameli` — ameli.fr: the CSS <https://www.ameli.fr/css>\n\nbecause: Aged {age}: {fee} a month.")
        assert (await editor.hover(ruleset, where("css_participation :"), 3)).startswith(
            "**decision** `css_participation` : `money` — Monthly participation\n\na table of 3 rows, hit unique; "
            "source: `ameli`")
    session(steps)


def test_definition_completion_outline_and_formatting(ruleset, tmp_path):
    async def steps(editor: Editor):
        await editor.open(ruleset)
        location = await editor.client.text_document_definition_async(
            types.DefinitionParams(**editor.at(ruleset, where("fee  "))))
        assert (location.uri, location.range.start.line, location.range.start.character) == (
            from_fs_path(str(ruleset)), *where("fee :"))
        completion = await editor.client.text_document_completion_async(
            types.CompletionParams(**editor.at(ruleset, where("unique source"), 0)))
        assert [item.label for item in completion.items][:4] == ["unique", "first", "priority", "any"]
        assert "collect sum" in [item.label for item in completion.items]
        completion = await editor.client.text_document_completion_async(
            types.CompletionParams(**editor.at(ruleset, where("participation | >"), 0)))
        by_label = {item.label: item for item in completion.items}
        assert {"css_status", "fee", "participation", "free", "years_between", "otherwise"} <= set(by_label)
        assert by_label["participation"].kind == types.CompletionItemKind.EnumMember
        assert "decision" not in by_label  # a row holds cells, not declarations
        outline = await editor.client.text_document_document_symbol_async(types.DocumentSymbolParams(
            text_document=types.TextDocumentIdentifier(uri=from_fs_path(str(ruleset)))))
        assert [(s.name, s.detail, s.range.start.line) for s in outline] == [
            ("Status", "type", 0), ("css_status", "input", 1), ("age", "input", 2), ("fee", "parameter", 4),
            ("css_participation", "decision", 8)]
        edits = await editor.client.text_document_formatting_async(types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=from_fs_path(str(ruleset))),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True)))
        assert len(edits) == 1 and edits[0].new_text.splitlines()[10:12] == [
            '  | participation | <= 29 || fee               | "Aged {age}: {fee} a month." | young',
            "  | participation | > 29  || 14 €"]
    session(steps)


def test_a_lone_file_is_its_own_ruleset_and_chinese_text_keeps_columns_right(tmp_path):
    path = tmp_path / "alone.rules"
    text = 'input x : integer "学生"\ndecision d : integer = 学生 + x\n'
    path.write_text(text, encoding="utf-8")

    async def steps(editor: Editor):
        [unknown] = await editor.open(path)
        assert (unknown.range.start.line, unknown.range.start.character, unknown.range.end.character) == (1, 23, 25)
    session(steps)
