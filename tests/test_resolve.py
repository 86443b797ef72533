"""Names, types and versions: every diagnostic code of the resolver, with its exact position and text.

`check_path` is what `verdict check` runs: it never raises for bad rules and returns every
diagnostic, sorted by file, line and column.
"""
from __future__ import annotations

import pytest

import engine
from engine import RuleError


def one(diagnostics, code=None):
    found = [d for d in diagnostics if code is None or d.code == code]
    assert len(found) == 1, [d.to_dict() for d in diagnostics]
    return found[0]


def where(d):
    return (d.severity, d.code, d.span.file, d.span.line, d.span.column)


# ============================================================================ unknown-name

def test_unknown_name_with_did_you_mean(ws):
    d = one(ws.diagnostics("""
        input household_size : integer 1..20
        decision d : integer = houshold_size + 1
        """))
    assert where(d) == ("error", "unknown-name", "r.rules", 2, 24)
    assert d.message == "unknown name `houshold_size`"
    assert d.hint == "did you mean `household_size`?"


def test_unknown_name_without_anything_close(ws):
    d = one(ws.diagnostics("decision d : integer = zzz + 1\n"))
    assert where(d) == ("error", "unknown-name", "r.rules", 1, 24)
    assert d.hint == "declare it as an input, a parameter or a decision"


def test_unknown_name_in_an_input_column_header(ws):
    d = one(ws.diagnostics("""
        input age : integer
        decision d hit first
          | agee || d
          | -    || 1
        """), "unknown-name")
    assert where(d) == ("error", "unknown-name", "r.rules", 3, 5)
    assert (d.message, d.hint) == ("unknown name `agee`", "did you mean `age`?")


def test_unknown_name_in_a_cell_bound(ws):
    d = one(ws.diagnostics("""
        input a : money
        parameter ceiling : money
          from 2024-01-01 = 100 €
        decision d hit first
          | a               || d
          | <= ceilng * 2   || 1
          | otherwise       || 2
        """), "unknown-name")
    assert where(d) == ("error", "unknown-name", "r.rules", 6, 8)
    assert d.hint == "did you mean `ceiling`?"


def test_unknown_name_in_a_because_template_points_inside_the_text(ws):
    d = one(ws.diagnostics("""
        input age : integer
        decision d hit first
          | age || d | because
          | -   || 1 | "Aged {agee} years"
        """))
    assert where(d) == ("error", "unknown-name", "r.rules", 4, 22)
    assert (d.message, d.hint) == ("unknown name `agee` in the explanation", "did you mean `age`?")


def test_unknown_name_in_an_expression_because(ws):
    d = one(ws.diagnostics('input age : integer\ndecision d : integer = age because "Aged {agee}"\n'))
    assert where(d) == ("error", "unknown-name", "r.rules", 2, 42)


def test_unknown_field_in_a_because_template(ws):
    d = one(ws.diagnostics("""
        input size : integer
        decision c hit first
          | size || free : money | full : money
          | -    || 1 €          | 2 €
        decision d : money = c.free because "free is {c.fre}"
        """))
    assert (d.code, d.span.line) == ("unknown-name", 5)


def test_unknown_type(ws):
    d = one(ws.diagnostics("input age : integr\ndecision d : integer = age\n"))
    assert where(d) == ("error", "unknown-name", "r.rules", 1, 13)
    assert (d.message, d.hint) == ("unknown type `integr`", "did you mean `integer`?")


@pytest.mark.parametrize("call, message, hint", [
    ("roun(age)", "unknown function `roun`", "did you mean `round`?"),
    ("foo(age)", "unknown function `foo`", "did you mean `floor`?"),
])
def test_unknown_function(ws, call, message, hint):
    d = one(ws.diagnostics(f"input age : integer\ndecision d : integer = {call}\n"))
    assert where(d) == ("error", "unknown-name", "r.rules", 2, 24)
    assert (d.message, d.hint) == (message, hint)


def test_unknown_field_of_a_multi_output_decision(ws):
    d = one(ws.diagnostics("""
        input size : integer
        decision c hit first
          | size || free : money | full : money
          | -    || 1 €          | 2 €
        decision d : money = c.fre
        """))
    assert where(d) == ("error", "unknown-name", "r.rules", 5, 22)
    assert (d.message, d.hint) == ("`fre` is not an output of this decision", "did you mean `free`?")


def test_unknown_source_with_a_registry(ws):
    folder = ws.folder({"r.rules": """
        input age : integer
        decision d hit first source guid
          | age || d
          | -   || 1
        """}, ruleset_yaml="name: x\nsources:\n  guide: {title: A guide}\n")
    diagnostics, _ = engine.ruleset.check_path(folder)
    d = one(diagnostics)
    assert where(d) == ("error", "unknown-name", "rs/r.rules", 2, 29)  # at the source's name
    assert (d.message, d.hint) == ("unknown source `guid`", "did you mean `guide`?")


def test_an_unknown_source_is_shown_where_it_is_written(ws):
    """In a parameter's value and in a row's `source` cell (a row can be longer than the snippet
    shows: the caret is on the cell, not on the row's start)."""
    folder = ws.folder({"r.rules": """
        input age : integer
        parameter fee : money
          from 2024-01-01 = 30 € source guid
        decision d hit first
          | age || d | source
          | -   || 1 | gide
        """}, ruleset_yaml="name: x\nsources:\n  guide: {title: A guide}\n")
    diagnostics, _ = engine.ruleset.check_path(folder)
    assert sorted(where(d) + (d.message,) for d in diagnostics if d.is_error) == [
        ("error", "unknown-name", "rs/r.rules", 3, 33, "unknown source `guid`"),
        ("error", "unknown-name", "rs/r.rules", 6, 16, "unknown source `gide`")]


def test_sources_are_free_without_a_registry(ws):
    assert ws.diagnostics("input age : integer\ndecision d : integer = age\n") == []
    assert ws.diagnostics("input age : integer\ndecision d : integer source anything = age\n") == []


@pytest.mark.parametrize("column, declared, code, message", [
    ("nationality", "input nationality : country", "unknown-symbol",
     "`otherwize` is not an ISO 3166-1 alpha-2 country code"),
    ("t", "type T = {a, b}\ninput t : T", "unknown-symbol", "`otherwize` is not a value of T {a, b}"),
    ("age", "input age : integer 0..130", "unknown-name", "unknown name `otherwize`"),
])
def test_a_misspelt_otherwise_is_named_whatever_the_column(ws, column, declared, code, message):
    d = one(ws.diagnostics(f"{declared}\ndecision d : integer hit first\n  | {column} || d\n  | otherwize || 1\n"))
    assert (d.code, d.span.line, d.span.column, d.message, d.hint) == (
        code, declared.count("\n") + 4, 5, message, "did you mean `otherwise`?")


def test_cyrillic_lookalike_is_named(ws):
    d = one(ws.diagnostics("input age : integer\ndecision d : integer = \u0430ge\n"))
    assert where(d) == ("error", "unknown-name", "r.rules", 2, 24)
    assert d.hint == "character 1 of `\u0430ge` is U+0430, a look-alike of the Latin `a`; retype it"


# ============================================================================ type-mismatch

def test_comparing_an_integer_column_with_a_symbol(ws):
    d = one(ws.diagnostics("""
        type Territory = {metropole, outre_mer}
        input age : integer 0..130
        input territory : Territory
        decision d hit first
          | age          || d
          | >= metropole || 1
          | otherwise    || 2
        decision e : bool = territory = metropole
        """))
    assert where(d) == ("error", "type-mismatch", "r.rules", 6, 5)
    assert d.message == "`age` is integer; this test gives Territory {metropole, outre_mer}"


def test_age_greater_than_symbol_in_an_expression(ws):
    d = one(ws.diagnostics("""
        type Territory = {metropole, outre_mer}
        input age : integer
        decision d : bool = age >= metropole
        """))
    assert where(d) == ("error", "type-mismatch", "r.rules", 3, 21)
    assert d.message == "cannot compare integer with Territory {metropole, outre_mer}"


@pytest.mark.parametrize("rules, line, column, message", [
    ("input age : integer\ndecision d : integer = age + \"x\"\n", 2, 24,
     "`+` joins two texts; this adds integer and text"),
    ("input age : integer\ndecision d : money = age > 3\n", 2, 22,
     "`d` is declared money but its expression gives bool"),
    ("input a : money\ndecision d : money = a * a\n", 2, 22, "cannot multiply money by money"),
    ("input a : money\ndecision d : number = 3 / a\n", 2, 23, "cannot divide a number by money"),
    ("input age : integer\ndecision d : integer = min(age, \"x\")\n", 2, 33,
     "`min` needs numbers, money or dates; this is text"),
    ("input age : integer\ndecision d : integer = round(age, 1, 2)\n", 2, 24,
     "`round` takes 1 to 2 argument(s), not 3"),
    ("input d1 : date\ndecision d : integer = years_between(d1, 3)\n", 2, 42,
     "`years_between` needs dates; this is integer"),
    ("input n : integer\ndecision d : integer = count(n)\n", 2, 30, "`count` needs a list; this is integer"),
    ("input n : integer\ndecision d : integer = if n then 1 else 2\n", 2, 27,
     "`if` needs a condition; this is integer"),
    ("input n : integer\ndecision d = if n > 1 then 1 else \"x\"\n", 2, 14, "the branches give integer and text"),
    ("input n : integer\ndecision d : integer = n / 2\n", 2, 24, "`d` is declared integer but its expression gives number"),
    ("input age : integer 0..130 default 200\ndecision d : integer = age\n", 1, 36,
     "the default of `age` is outside its range"),
    ("input age : integer default \"x\"\ndecision d : integer = age\n", 1, 29,
     "the default of `age` is text, expected integer"),
    ("input t : text 0..3\ndecision d : text = t\n", 1, 16, "a range applies to numbers, money and dates, not to text"),
    ("parameter p : money\n  from 2024-01-01 = \"x\"\ndecision d : money = p\n", 2, 21,
     "the value of `p` is text, expected money"),
])
def test_type_mismatch_in_expressions_and_declarations(ws, rules, line, column, message):
    d = one(ws.diagnostics(rules))
    assert where(d) == ("error", "type-mismatch", "r.rules", line, column)
    assert d.message == message


@pytest.mark.parametrize("cell, column, message", [
    ('"x"', 5, "`age` is integer; this test gives text"),
    ("1..2025-01-01", 8, "`age` is integer; this bound is date"),
])
def test_type_mismatch_in_cells(ws, cell, column, message):
    d = one(ws.diagnostics(f"input age : integer\ndecision d hit first\n  | age || d\n  | {cell} || 1\n"
                           "  | otherwise || 2\n"))
    assert where(d) == ("error", "type-mismatch", "r.rules", 4, column)
    assert d.message == message


def test_ordering_test_on_text_column(ws):
    d = one(ws.diagnostics('input name : text\ndecision d hit first\n  | name || d\n  | < "b" || 1\n'
                           "  | otherwise || 2\n"))
    assert where(d) == ("error", "type-mismatch", "r.rules", 4, 5)
    assert (d.message, d.hint) == ("`<` compares numbers, money and dates; `name` is text", "use a value or a set `{a, b}`")


def test_output_cell_of_the_wrong_type(ws):
    d = one(ws.diagnostics('input age : integer\ndecision d hit first\n  | age || d\n  | 1 || 1\n  | 2 || "x"\n'))
    assert where(d) == ("error", "type-mismatch", "r.rules", 5, 10)
    assert d.message == "this cell gives text; the column is integer"


def test_collect_sum_needs_numbers(ws):
    d = one(ws.diagnostics('input n : integer\ndecision d hit collect sum\n  | n || d\n  | - || "x"\n'))
    assert where(d) == ("error", "type-mismatch", "r.rules", 2, 12)
    assert d.message == "`collect sum` needs numeric outputs"


# ============================================================================ unknown-symbol

def test_unknown_symbol_in_an_enumeration_column(ws):
    d = one(ws.diagnostics("""
        type Territory = {metropole, outre_mer}
        input territory : Territory
        decision d hit first
          | territory || d
          | metropol  || 1
          | otherwise || 2
        """))
    assert where(d) == ("error", "unknown-symbol", "r.rules", 5, 5)
    assert (d.message, d.hint) == ("`metropol` is not a value of Territory {metropole, outre_mer}",
                                   "did you mean `metropole`?")


def test_unknown_symbol_inside_a_set_and_a_negation(ws):
    diagnostics = ws.diagnostics("""
        type T = {alpha, beta}
        input t : T
        decision d hit first
          | t              || d
          | {alpha, gamma} || 1
          | not delta      || 2
          | otherwise      || 3
        """)
    assert [where(d) for d in diagnostics] == [("error", "unknown-symbol", "r.rules", 5, 13),
                                               ("error", "unknown-symbol", "r.rules", 6, 9)]
    assert [d.hint for d in diagnostics] == ["use one of: alpha, beta", "did you mean `beta`?"]


def test_lowercase_country_code(ws):
    d = one(ws.diagnostics("""
        input nationality : country
        decision d hit first
          | nationality || d
          | cn          || 1
          | otherwise   || 2
        """))
    assert where(d) == ("error", "unknown-symbol", "r.rules", 4, 5)
    assert (d.message, d.hint) == ("`cn` is not an ISO 3166-1 alpha-2 country code", "did you mean `CN`?")


def test_unknown_symbol_in_an_expression(ws):
    d = one(ws.diagnostics("type T = {a, b}\ninput t : T\ndecision d : integer = if t = c then 1 else 2\n"))
    assert where(d) == ("error", "unknown-symbol", "r.rules", 3, 31)
    assert d.message == "`c` is not a value of T {a, b}"


# ============================================================================ duplicate-name

def test_duplicate_input(ws):
    d = one(ws.diagnostics("input age : integer\ninput age : integer\ndecision d : integer = age\n"))
    assert where(d) == ("error", "duplicate-name", "r.rules", 2, 7)
    assert (d.message, d.hint) == ("`age` is declared twice (first at r.rules:1:7)",
                                   "names of types, inputs, parameters and decisions share one namespace")


def test_duplicate_across_files_and_kinds(ws):
    folder = ws.folder({"a.rules": "input age : integer\n", "b.rules": "decision age : integer = 1\n"})
    unused, d = engine.ruleset.check_path(folder)[0]  # the input is never used, as well
    assert (unused.code, unused.span.file) == ("unused", "rs/a.rules")
    assert where(d) == ("error", "duplicate-name", "rs/b.rules", 1, 10)
    assert d.message == "`age` is declared twice (first at rs/a.rules:1:7)"


def test_duplicate_decision_without_validity(ws):
    d = one(ws.diagnostics("decision r : integer = 1\ndecision r : integer valid from 2024-07-02 = 2\n"))
    assert where(d) == ("error", "duplicate-name", "r.rules", 2, 10)
    assert (d.message, d.hint) == ("decision `r` is declared twice (first at r.rules:1:10)",
                                   "give each version a `valid from … to …` clause, or rename one")


def test_a_rule_id_given_twice_is_named_at_its_second_row_in_a_table_a_function_or_another_decision(ws):
    """A `because` is translated by its rule id and a trace names a rule by it: two rows with one id
    would take each other's text."""
    folder = ws.folder({"a.rules": """
        input age : integer
        decision band : integer hit first
          | age  || band | id
          | < 30 || 1    | young
          | -    || 2    | young
        function share(a: integer) : integer hit first
          | a    || share | id
          | < 30 || 8     | young
          | -    || 14    | other
        decision fee : integer = share(age) + band
        """, "b.rules": """
        decision other_band : integer hit first
          | age  || other_band | id
          | -    || 3          | other
        """})
    diagnostics, _ = engine.ruleset.check_path(folder)
    assert sorted((where(d), d.message) for d in diagnostics if d.code == "duplicate-name") == [
        (("error", "duplicate-name", "rs/a.rules", 5, 20), "rule id `young` is given twice (first at rs/a.rules:4:20)"),
        (("error", "duplicate-name", "rs/a.rules", 8, 21), "rule id `young` is given twice (first at rs/a.rules:4:20)"),
        (("error", "duplicate-name", "rs/b.rules", 3, 26), "rule id `other` is given twice (first at rs/a.rules:9:21)")]
    assert {d.hint for d in diagnostics if d.code == "duplicate-name"} == {
        "give each row its own id: an explanation's translation and a trace name the rule by it"}


def test_builtin_name_cannot_be_declared(ws):
    d = one(ws.diagnostics("input as_of : date\n"), "duplicate-name")
    assert where(d) == ("error", "duplicate-name", "r.rules", 1, 7)
    assert d.message == "`as_of` is declared twice (a built-in name)"


def test_duplicate_symbol_in_an_enumeration(ws):
    d = one(ws.diagnostics("type T = {a, b, a}\ninput t : T\ndecision d : integer = if t = a then 1 else 2\n"))
    assert where(d) == ("error", "duplicate-name", "r.rules", 1, 17)
    assert d.message == "symbol `a` appears twice in this enumeration"


# ============================================================================ cycle

def test_cycle_of_two(ws):
    d = one(ws.diagnostics("decision a : integer = b + 1\ndecision b : integer = a + 1\n"))
    assert where(d) == ("error", "cycle", "r.rules", 1, 10)
    assert (d.message, d.hint) == ("these decisions depend on each other: a → b → a",
                                   "a decision cannot depend on itself, even indirectly")


def test_cycle_of_three_through_a_table(ws):
    d = one(ws.diagnostics("""
        decision a : integer = b + 1
        decision b hit first
          | c || b
          | - || 1
        decision c : integer = a + 1
        """))
    assert where(d) == ("error", "cycle", "r.rules", 1, 10)
    assert d.message == "these decisions depend on each other: a → b → c → a"


def test_self_reference(ws):
    d = one(ws.diagnostics("decision a : integer = a + 1\n"))
    assert where(d) == ("error", "cycle", "r.rules", 1, 10)
    assert d.message == "these decisions depend on each other: a → a"


def test_cycle_refuses_to_load(ws):
    path = ws.write("decision a : integer = b + 1\ndecision b : integer = a + 1\n")
    with pytest.raises(RuleError) as excinfo:
        engine.load_ruleset(path)
    assert [d.code for d in excinfo.value.diagnostics] == ["cycle"]


# ============================================================================ unused (a warning)

def test_unused_input_and_parameter(ws):
    rules = """
        input x : integer
        input y : integer
        parameter p : integer
          from 2020-01-01 = 3
        decision d : integer = x
        """
    diagnostics = ws.diagnostics(rules)
    assert [where(d) for d in diagnostics] == [("warning", "unused", "r.rules", 2, 7),
                                               ("warning", "unused", "r.rules", 3, 11)]
    assert [d.message for d in diagnostics] == ["input `y` is not used by any decision",
                                                "parameter `p` is not used by any decision"]
    # a warning does not stop loading; check() returns it
    assert [d.code for d in ws.load(rules).check()] == ["unused", "unused"]


def test_names_read_only_in_a_because_text_are_used(ws):
    assert ws.diagnostics("""
        input x : integer
        input y : integer
        decision d : integer = x because "y is {y}"
        """) == []


# ============================================================================ validity

def test_validity_overlap_between_versions(ws):
    d = one(ws.diagnostics("""
        decision r : integer valid from 2024-01-01 to 2024-06-30 = 1
        decision r : integer valid from 2024-06-30 to 2024-12-31 = 2
        """))
    assert where(d) == ("error", "validity-overlap", "r.rules", 2, 10)
    assert (d.message, d.hint) == ("two versions of `r` are valid on 2024-06-30 (the other is at r.rules:1:10)",
                                   "end the earlier version the day before this one starts")


def test_validity_overlap_with_an_open_ended_version(ws):
    d = one(ws.diagnostics("""
        decision r : integer valid from 2024-01-01 = 1
        decision r : integer valid from 2025-01-01 = 2
        """))
    assert where(d) == ("error", "validity-overlap", "r.rules", 2, 10)
    assert d.message == "two versions of `r` are valid on 2025-01-01 (the other is at r.rules:1:10)"


def test_validity_overlap_is_found_whatever_the_order_in_the_file(ws):
    d = one(ws.diagnostics("""
        decision r : integer valid from 2024-06-01 to 2024-12-31 = 2
        decision r : integer valid from 2024-01-01 to 2024-06-01 = 1
        """))
    assert (d.code, d.message) == ("validity-overlap",
                                   "two versions of `r` are valid on 2024-06-01 (the other is at r.rules:2:10)")
    assert (d.span.line, d.span.column) == (1, 10)


def test_adjacent_versions_are_fine(ws):
    assert ws.diagnostics("""
        decision r : integer valid from 2024-01-01 to 2024-06-30 = 1
        decision r : integer valid from 2024-07-01 = 2
        """) == []


def test_validity_gap_is_a_warning_spelling_the_missing_days(ws):
    rules = """
        decision r : integer valid from 2024-01-01 to 2024-06-30 = 1
        decision r : integer valid from 2024-07-02 to 2024-12-31 = 2
        """
    d = one(ws.diagnostics(rules))
    assert where(d) == ("warning", "validity-gap", "r.rules", 2, 10)
    assert d.message == "no version of `r` is valid from 2024-07-01 to 2024-07-01"
    assert [x.code for x in ws.load(rules).check()] == ["validity-gap"]


def test_validity_gap_of_several_days(ws):
    d = one(ws.diagnostics("""
        decision r : integer valid from 2024-01-01 to 2024-06-30 = 1
        decision r : integer valid from 2024-09-01 = 2
        """))
    assert d.message == "no version of `r` is valid from 2024-07-01 to 2024-08-31"


def test_parameter_values_out_of_date_order(ws):
    d = one(ws.diagnostics("""
        parameter p : integer
          from 2024-01-01 = 1
          from 2023-01-01 = 2
        decision r : integer = p
        """))
    assert where(d) == ("error", "validity-overlap", "r.rules", 3, 3)
    assert d.message == ("the value from 2023-01-01 is listed after the value from 2024-01-01; "
                         "list the values of `p` in date order, each date once")


def test_versions_of_different_types(ws):
    diagnostics = ws.diagnostics("""
        decision r : integer valid from 2024-01-01 to 2024-06-30 = 1
        decision r : text valid from 2024-07-01 = "x"
        """)
    assert [where(d) for d in diagnostics] == [("error", "type-mismatch", "r.rules", 2, 10),
                                               ("error", "type-mismatch", "r.rules", 2, 43)]
    assert [d.message for d in diagnostics] == ["this version of `r` gives text; another gives integer",
                                                "`r` is declared integer but its expression gives text"]


# ============================================================================ check() and sorting

def test_check_sorts_errors_by_file_line_and_column(ws):
    folder = ws.folder({"b.rules": "decision e : bool = age >= \"x\"\ndecision f : integer = agee\n",
                        "a.rules": "input age : integer\ndecision d : integer = ag\n"})
    diagnostics, _ = engine.ruleset.check_path(folder)
    assert [(d.code, d.span.file, d.span.line, d.span.column) for d in diagnostics] == [
        ("unknown-name", "rs/a.rules", 2, 24), ("type-mismatch", "rs/b.rules", 1, 21),
        ("unknown-name", "rs/b.rules", 2, 24)]


def test_check_reports_warnings_alongside_errors(ws):
    diagnostics = ws.diagnostics("""
        input unused_one : integer
        input age : integer
        decision e : bool = age >= "x"
        """)
    assert [(d.severity, d.code, d.span.line) for d in diagnostics] == \
        [("warning", "unused", 1), ("error", "type-mismatch", 3)]


def test_diagnostic_to_dict_shape(ws):
    d = one(ws.diagnostics("input household_size : integer\ndecision d : integer = houshold_size\n"))
    assert d.to_dict() == {"severity": "error", "code": "unknown-name", "file": "r.rules", "line": 2, "column": 24,
                           "message": "unknown name `houshold_size`", "hint": "did you mean `household_size`?"}


def test_a_clean_ruleset_has_no_diagnostics(ws):
    rs = ws.load("""
        type Territory = {metropole, outre_mer}
        input territory : Territory
        decision d hit unique
          | territory || d
          | metropole || 1
          | outre_mer || 2
        """)
    assert rs.check() == []
    assert rs.decisions == ("d",) and rs.inputs == ("territory",)
