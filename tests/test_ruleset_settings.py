"""ruleset.yaml and messages/<lang>.yaml as a new user misspells them: a section of a messages file
that is none (`titels:`), a source status that is none (`OFICIAL`), a messages file that
`languages` does not list (a misspelt `langauges:`). Each is reported by `verdict check` where it
is written; tests/diagnostics/ has the rendered examples of docs/errors.md."""
from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.ruleset import check_path

RULES = """\
input age : integer 0..130

decision fee : money hit unique source tarifs
  | age   || fee | because                     | id
  | < 18  || 0 € | "Free under 18."            | fee_minor
  | >= 18 || 5 € | "Adults pay {fee} a visit." | fee_adult
"""
FRENCH = """\
because:
  fee_minor: "Gratuit avant 18 ans."
  fee_adult: "Les adultes paient {fee} par visite."
"""


def ruleset(ws, settings: str, messages: dict | None = None):
    files = {"fees.rules": RULES}
    files.update({f"messages/{lang}.yaml": text for lang, text in (messages or {}).items()})
    return ws.folder(files, settings)


def found(path) -> list:
    """(location, severity, code, message, hint) of every diagnostic but the tables' analysis."""
    return [(d.span.location() if d.span else None, d.severity, d.code, d.message, d.hint)
            for d in check_path(path)[0]]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------------- messages sections

def test_an_unknown_section_of_a_messages_file_is_an_error_at_its_key(ws, capsys):
    path = ruleset(ws, 'languages: [en, fr]\nsources: {tarifs: {title: Tarifs}}\n',
                   {"fr": FRENCH + "titels:\n  fee: Tarif\n"})
    assert found(path) == [("rs/messages/fr.yaml:4:1", "error", "unknown-section",
                            "the section `titels` is not one the engine reads, so nothing in it is used",
                            "did you mean `titles`?")]
    code, out, _ = run(capsys, "check", path, "--strict")
    assert code == 1 and out.endswith("1 error(s), 0 warning(s)\n")


def test_a_section_nothing_like_one_lists_the_sections(ws):
    # the key is found at the start of a line, not where `fee:` is written under another key
    path = ruleset(ws, 'languages: [en, fr]\nsources: {tarifs: {title: Tarifs}}\n',
                   {"fr": "titles:\n  fee: Tarif\nfee: Tarif\n" + FRENCH})
    assert found(path) == [("rs/messages/fr.yaml:3:1", "error", "unknown-section",
                            "the section `fee` is not one the engine reads, so nothing in it is used",
                            "the sections are `because`, `titles` and `symbols`")]


# ---------------------------------------------------------------------------- source status

@pytest.mark.parametrize("sources, where, status, hint", [
    ("sources:\n  tarifs:\n    title: Tarifs\n    status: OFICIAL\n", "4:13", "OFICIAL", "did you mean `OFFICIAL`?"),
    ('sources:\n  tarifs: {title: "Tarifs", status: seed}\n', "2:37", "seed", "did you mean `SEED`?"),
    ("sources:\n  tarifs:\n    status: \"primary\"   # by whom?\n", "3:14", "primary",
     "give one of these, or leave `status` out"),
    ("sources:\n  - id: other\n    status: OFFICIAL\n  - status: Derivd\n    id: tarifs\n", "4:13", "Derivd",
     "did you mean `DERIVED`?"),
])
def test_a_source_status_must_be_one_of_the_four(ws, sources, where, status, hint):
    path = ruleset(ws, sources)
    assert found(path) == [(f"rs/ruleset.yaml:{where}", "error", "unknown-status",
                            f"the status `{status}` of source `tarifs` is not one of OFFICIAL, SECONDARY, "
                            "DERIVED or SEED", hint)]


def test_the_caret_is_on_the_status_of_the_source_named(ws):
    path = ruleset(ws, "sources:\n  a: {title: A, status: SEDE}\n  tarifs: {title: T, status: SEDE}\n")
    assert [(where, message.split("of source ")[1]) for where, _, _, message, _ in found(path)] == [
        ("rs/ruleset.yaml:2:25", "`a` is not one of OFFICIAL, SECONDARY, DERIVED or SEED"),
        ("rs/ruleset.yaml:3:30", "`tarifs` is not one of OFFICIAL, SECONDARY, DERIVED or SEED")]


def test_every_status_of_the_bundled_ruleset_is_known(capsys):
    code, out, _ = run(capsys, "check", "rulesets/student_health", "--format", "json")
    assert code == 0 and json.loads(out)["diagnostics"] == []


# ---------------------------------------------------------------------------- languages

def test_a_misspelt_languages_warns_that_the_messages_file_is_not_used(ws, capsys):
    path = ruleset(ws, "langauges: [en, fr]\nsources: {tarifs: {title: Tarifs}}\n", {"fr": FRENCH})
    assert found(path) == [
        ("rs/messages/fr.yaml:1:1", "warning", "unused",
         "messages/fr.yaml is not used: ruleset.yaml has no `languages`, so the only language is `en`",
         "list `fr` in ruleset.yaml: `languages: [en, fr]`"),
        ("rs/ruleset.yaml:1:1", "warning", "unknown-setting", "the setting `langauges` is not one the engine reads",
         "did you mean `languages`?")]
    (ws.root / "facts.json").write_text('{"age": 30}', encoding="utf-8")
    code, out, err = run(capsys, "eval", path, "--facts", "facts.json", "--as-of", "2025-06-01", "--lang", "fr")
    assert (code, out) == (2, "")
    assert err == ("error[unknown-language]: this verdict has no explanation in `fr`\n"
                   "  = messages/fr.yaml is not used: ruleset.yaml has no `languages`, so the only language is `en`\n")


def test_a_language_left_out_of_languages_names_what_it_lists(ws, capsys):
    path = ruleset(ws, "languages: [en, zh]\nsources: {tarifs: {title: Tarifs}}\n",
                   {"fr": FRENCH, "zh": FRENCH, "de": FRENCH})
    unused = [d for d in found(path) if d[2] == "unused"]
    assert unused == [
        ("rs/messages/de.yaml:1:1", "warning", "unused",
         "messages/de.yaml is not used: `languages` in ruleset.yaml does not list `de` (it lists en, zh)",
         "list `de` in ruleset.yaml: `languages: [en, zh, de, fr]`"),
        ("rs/messages/fr.yaml:1:1", "warning", "unused",
         "messages/fr.yaml is not used: `languages` in ruleset.yaml does not list `fr` (it lists en, zh)",
         "list `fr` in ruleset.yaml: `languages: [en, zh, de, fr]`")]
    (ws.root / "facts.json").write_text('{"age": 30}', encoding="utf-8")
    code, out, err = run(capsys, "eval", path, "--facts", "facts.json", "--as-of", "2025-06-01", "--lang", "it")
    assert (code, out, err) == (2, "", "error[unknown-language]: this verdict has no explanation in `it`\n"
                                       "  = its languages are: en, zh\n")


def test_an_unknown_setting_is_found_at_the_start_of_a_line(ws):
    # `note:` is written under a source first: the unknown top-level `note:` is the one on line 4
    path = ruleset(ws, "sources:\n  tarifs:\n    note: a source's note\nnote: not a setting\n")
    assert found(path) == [("rs/ruleset.yaml:4:1", "warning", "unknown-setting",
                            "the setting `note` is not one the engine reads",
                            "the settings are name, title, version, language, languages, outputs, sources")]


@pytest.mark.parametrize("file, text, place, message, hint", [
    ("messages/fr.yaml", 'because:\n  fee_minor: "Gratuit." "oops"\n', "messages/fr.yaml:2:25",
     "messages/fr.yaml: more text after a value: a line holds one `name: value` (a text with quotes inside goes "
     "in other quotes)", "in the mapping that starts at line 2, column 3"),
    ("ruleset.yaml", "name: fees\nlanguages: [en, fr\n", "ruleset.yaml:3:1",
     "ruleset.yaml: expected ',' or ']', but got the end of the file", "in the list `[…]` that starts at line 2, column 12"),
])
def test_a_settings_or_messages_file_that_is_not_yaml_is_told_at_its_place(ws, capsys, file, text, place, message,
                                                                          hint):
    settings = text if file == "ruleset.yaml" else "name: fees\nlanguages: [en, fr]\n"
    path = ws.folder({"fees.rules": RULES, **({} if file == "ruleset.yaml" else {file: text})}, settings)
    assert [(location.split("/", 1)[1], severity, code, said, told) for location, severity, code, said, told
            in found(path)] == [(place, "error", "syntax", message, hint)]
    assert main(["check", str(path)]) == 1
    head, line, caret = capsys.readouterr().out.splitlines()[:3]
    assert head.endswith(f"{place}: error[syntax]: {message}") and caret.endswith("^")
    assert line.split(" | ", 1)[0].strip() == place.split(":")[1]  # the line is shown, the caret under it
