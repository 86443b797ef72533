"""engine/facts/plain.py reads `name: value` facts without PyYAML: whatever it reads, it reads as
engine/yaml_safe.py's loader does (same keys, same order, same types, same Decimal digits), and it
leaves everything else to that loader."""
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.facts.reader import read_facts_text
from engine.facts.plain import read_plain
from engine.yaml_safe import load_yaml

ROOT = Path(__file__).resolve().parent.parent


def shown(data) -> str:
    """Keys, order, types and digits: `1 == True == Decimal('1.0')` would hide a difference."""
    return repr([(key, type(value).__name__, value) for key, value in data.items()])


def test_the_example_facts_are_read_here_as_pyyaml_reads_them():
    text = (ROOT / "examples" / "wang.yaml").read_text(encoding="utf-8")
    facts = read_plain(text)
    assert facts is not None
    assert shown(facts) == shown(load_yaml(text, "wang.yaml"))
    assert facts["birth_date"] == dt.date(2001, 3, 14)
    assert facts["birth_certificate_language"] == "zh" and facts["holds_ceam"] is False


@pytest.mark.parametrize("text, expected", [
    ("a: 9000\nb: -1.50\nc: 2e3\nd: .5\n", [("a", 9000), ("b", Decimal("-1.50")), ("c", Decimal("2E+3")),
                                            ("d", Decimal("0.5"))]),
    ("country: NO\nanswer: yes\nflag: off\n", [("country", "NO"), ("answer", "yes"), ("flag", "off")]),
    ("a:\nb: null\nc: # nothing\nd: TRUE\n", [("a", None), ("b", None), ("c", None), ("d", True)]),
    ("day: 2001-13-45\nzero: 010\n", [("day", "2001-13-45"), ("zero", 10)]),
    ("name: \"Wang #1\"  # a comment\nother: 'it is'\n", [("name", "Wang #1"), ("other", "it is")]),
    ("# only a comment first\n\n   # an indented one\nx: 1   ", [("x", 1)]),
])
def test_each_plain_form_reads_as_pyyaml_reads_it(text, expected):
    assert list(read_plain(text).items()) == expected
    assert shown(read_plain(text)) == shown(load_yaml(text, "f"))


@pytest.mark.parametrize("text", [
    "a: 1\n  b: 2\n",            # indented: a continuation or a nested mapping
    "a: b c\n",                  # several words
    "a: 'it''s'\n",              # a quote in a quoted text
    "a: \"\\u00e9\"\n",          # an escape
    "a:\n- 1\n",                 # a list
    "a: [1, 2]\n",               # flow
    "a: 1\na: 2\n",              # a duplicate (PyYAML's message)
    "true: 1\n", "null: 1\n",    # keys of another kind
    "a: 0x1F\n",                 # another base (yaml_safe's hint)
    "a: .inf\n", "a: ~\n", "a: -\n", "a: 2001-3-14\n",
    "a:\t1\n", "a: 1\r\nb: 2\r\n",  # a tab, a carriage return
    "---\na: 1\n", "%YAML 1.1\n---\na: 1\n",
    "a: é\n", "a: 1 # \x85\n",  # beyond ASCII in a value; a NEL (a line break to YAML)
    "a: b#c\n", "a:b\n", "a : b\n",
    "", "# nothing\n",           # an empty document
    "a: 1" + "0" * 100 + "\n",   # an integer of more digits than this module reads
])
def test_anything_else_is_left_to_pyyaml(text):
    assert read_plain(text) is None


NAMES = st.sampled_from(["a", "b", "_x", "Name9", "true", "null", "NO", "y", "on", "e5", "inf", "a" * 201])
VALUES = st.one_of(
    st.sampled_from(["", "1", "-0", "+7", "010", "0x1F", "0o7", "0b1", "1_000", "1.", ".5", "-.5", "1e5", "1E-3",
                     "2.50", ".inf", ".nan", "-.inf", "NaN", "true", "True", "TRUE", "tRUE", "false", "yes", "no",
                     "Off", "null", "Null", "NULL", "~", "2001-03-14", "2001-02-30", "2001-3-14", "2001-03-14T10:00",
                     "-", "+", ".", "..", "a-b", "a.b", "1.2.3", "12:30", "'x'", "\"x\"", "'a''b'", "\"a\\tb\"",
                     "\"#\"", "' # '", "\"\"", "''", "[1]", "{a: 1}", "&a 1", "*a", "!!str 1", "| x", "> x",
                     "a b", "é", "\"é\"", "@x", "`x`", "%x", "?", "? x", ": x", "- x", "x:", "x: y"]),
    st.text(alphabet="ab1.-+_:#'\" ", max_size=8),
    st.integers(-10**120, 10**120).map(str),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
)
COMMENTS = st.sampled_from(["", " # c", "  #c", "#c", " #", "   ", " # é \u2028", " # \"'"])
PRINTABLE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6)
NEAR_VALUES = st.one_of(VALUES, st.text(alphabet="aZ09_.+-eE:", max_size=10),
                        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
                        PRINTABLE.map(lambda text: f'"{text}"'), PRINTABLE.map(lambda text: f"'{text}'"))
LINES = st.one_of(
    # mostly lines this module reads (a third of the documents are read whole), and near misses
    st.tuples(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,5}", fullmatch=True), st.just(": "), NEAR_VALUES,
              COMMENTS).map("".join),
    st.tuples(NAMES, st.sampled_from([":", ": ", ":  ", " :", "::"]), VALUES, COMMENTS).map("".join),
    st.sampled_from(["", "   ", "# a comment", "  # indented", "---", "...", "  5", "- 1", "\t", "a: 1\r"]),
)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, min_size=1, max_size=6), st.sampled_from(["\n", ""]))
@example(["a: 1", "  # c", "b: 2"], "\n")
@example(["a:", "  # c", "b: x"], "\n")
def test_what_it_reads_pyyaml_reads_the_same(lines, end):
    text = "\n".join(lines) + end
    plain = read_plain(text)
    if plain is None:
        return
    assert shown(plain) == shown(load_yaml(text, "facts"))


def test_a_facts_file_read_without_pyyaml_gives_the_same_facts_and_the_same_errors():
    assert read_facts_text("a: 1\nb: x\n", "facts file f") == {"a": 1, "b": "x"}
    with pytest.raises(Exception) as plain_form:  # not plain: PyYAML's message, as before
        read_facts_text("a: 1\na: 2\n", "facts file f")
    assert str(plain_form.value.diagnostics[0].message) == "facts file f: duplicate key `a` at line 2, column 1"


# ---------------------------------------------------------------------------- JSON objects

@pytest.mark.parametrize("text, expected", [
    ('{"household_size": 1, "territory": "metropole", "salaried": false, "note": null}',
     [("household_size", 1), ("territory", "metropole"), ("salaried", False), ("note", None)]),
    ('{\n  "a": -0,\n  "b": 1.50,\n  "c": 2e3,\n  "d": "2001-03-14"\n}\n',
     [("a", 0), ("b", Decimal("1.50")), ("c", Decimal("2E+3")), ("d", "2001-03-14")]),
    ('{"a":1,"b c":"x # y"}', [("a", 1), ("b c", "x # y")]),
    ('  {"a" : "x" ,\n"b":\n2}  \n', [("a", "x"), ("b", 2)]),
])
def test_a_json_object_reads_as_pyyaml_reads_it(text, expected):
    assert list(read_plain(text).items()) == expected
    assert shown(read_plain(text)) == shown(load_yaml(text, "f"))


@pytest.mark.parametrize("text", [
    "{}", '{"a": {"b": 1}}', '{"a": [1]}', '{"a": "\\u00e9"}', '{"a": "x\\"y"}', '{"a": 1, "a": 2}',
    '{"a"\n: 1}', '{"a": 1} x', '{"a": 1,}', '{"a": NaN}', '{"a": 01}', '{"a": .5}', '{"a": 1}\n{"b": 2}',
    '{"' + "k" * 201 + '": 1}', '{"a": "é"}', '{"a":\t1}',
])
def test_any_other_json_is_left_to_pyyaml(text):
    assert read_plain(text) is None


JSON_NAMES = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=12)
JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**120, 10**120),
                        st.floats(allow_nan=False, allow_infinity=False), JSON_NAMES, st.just(""))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(JSON_NAMES, JSON_VALUES, min_size=1, max_size=5),
       st.sampled_from([None, 0, 2]), st.sampled_from([(", ", ": "), (",", ":"), (" ,", " : ")]),
       st.sampled_from(["", "\n", "  \n "]))
def test_what_it_reads_of_json_pyyaml_reads_the_same(facts, indent, separators, around):
    text = around + json.dumps(facts, indent=indent, separators=separators, default=str) + around
    plain = read_plain(text)
    if plain is not None:
        assert shown(plain) == shown(load_yaml(text, "facts"))
    plainly_written = all('"' not in f"{k}{v}" and "\\" not in f"{k}{v}" and
                          not (type(v) is int and len(str(v)) > 100) for k, v in facts.items())
    if plainly_written:  # read here, not left to PyYAML: the comparison above was made
        assert plain is not None


def test_a_json_integer_too_long_for_this_reader_is_left_to_pyyaml():
    """(Found by the property above: the marker of "not plain" was kept as the fact's value.)"""
    text = '{"fired": -1' + "0" * 100 + "}"
    assert read_plain(text) is None
    assert load_yaml(text, "facts") == {"fired": -int("1" + "0" * 100)}
