"""`verdict test`: example cases, expected errors, and the rules no case exercises."""
from engine.cli import main
from engine.testing import run_cases

RULES = """input a : integer
parameter p : integer
  from 2020-01-01 = 1
decision d : integer
  | a || d |
  | 1 || p |
  | 3 || 3 |
"""

CASES = """- name: ok
  as_of: 2020-01-01
  facts: {a: 1}
  expected: {d: 1}
  fired: ["d#1"]
- name: the day before the parameter
  as_of: 2019-12-31
  facts: {a: 1}
  outputs: [d]
  error: "has no value on 2019-12-31"
- name: a gap
  as_of: 2020-01-01
  facts: {a: 2}
  outputs: [d]
  error: "no rule of `d` matches"
"""


def write(tmp_path, cases: str):
    (tmp_path / "r.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "c.yaml").write_text(cases, encoding="utf-8")
    return tmp_path


def test_passing_cases_and_the_rows_left_unexercised(tmp_path, capsys):
    folder = write(tmp_path, CASES)
    assert main(["test", str(folder)]) == 0
    assert capsys.readouterr().out == (f"1 rule(s) no case exercises:\n  d#2 ({folder}/r.rules:7)\n"
                                       "3 passed, 0 failed\n")


def test_a_failing_case_says_what_differs(tmp_path, capsys):
    folder = write(tmp_path, CASES + """- name: wrong value
  as_of: 2020-01-01
  facts: {a: 3}
  expected: {d: 4}
- name: wrong error
  as_of: 2020-01-01
  facts: {a: 1}
  outputs: [d]
  error: "boom"
- name: wrong rule
  as_of: 2020-01-01
  facts: {a: 3}
  expected: {d: 3}
  fired: ["d#1"]
""")
    assert main(["test", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"FAIL {folder}/tests/c.yaml:16: wrong value\n     d: expected 4, got 3\n" in out
    assert "FAIL" in out and "wrong error\n     expected an error containing 'boom', got a verdict\n" in out
    assert "wrong rule\n     expected rule(s) d#1 to fire; fired: d#2\n" in out
    assert out.endswith("every rule is exercised by at least one case\n3 passed, 3 failed\n")


def test_an_expected_value_that_is_none_of_the_type_s_says_so(tmp_path, capsys):
    (tmp_path / "r.rules").write_text("type Band = {low, high}\ninput a : integer\n"
                                      "decision b : Band = if a < 3 then low else high\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "c.yaml").write_text("- {name: typo, as_of: 2020-01-01, facts: {a: 1}, expected: {b: lwo}}\n"
                                               "- {name: other, as_of: 2020-01-01, facts: {a: 1}, expected: {b: mid}}\n",
                                               encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert ('     b: expected "lwo", got "low" (`lwo` is not a value of Band {low, high}: did you mean `low`?)\n'
            in out)
    assert '     b: expected "mid", got "low" (`mid` is not a value of Band {low, high})\n' in out


def test_no_cases_is_a_failure(tmp_path, capsys):
    (tmp_path / "r.rules").write_text(RULES, encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 1
    assert "no example cases found" in capsys.readouterr().out


def test_a_malformed_case_file_is_reported(tmp_path):
    folder = write(tmp_path, "- name: no expectation\n  facts: {a: 1}\n")
    report = run_cases(folder)
    [result] = report.results
    assert not report.ok and result.case.line == 1
    assert result.problems == ("a case needs `expected` (the outputs it checks) or `error` (a part of the message)",
                               "a case needs `as_of`, the date the rules are applied on (e.g. as_of: 2025-09-01)")


def test_a_case_file_that_is_not_yaml_is_told_at_its_place_and_counted(tmp_path, capsys):
    folder = write(tmp_path, CASES)
    (folder / "tests" / "broken.yaml").write_text("- name: x\n  facts: {a: 1\n", encoding="utf-8")
    assert main(["test", str(folder)]) == 1
    assert capsys.readouterr().out == (
        f"ERROR {folder}/tests/broken.yaml:3:1: expected ',' or '}}', but got the end of the file "
        "(in the mapping `{…}` that starts at line 2, column 10)\n"
        f"1 rule(s) no case exercises:\n  d#2 ({folder}/r.rules:7)\n"
        "3 passed, 0 failed, 1 case file(s) not read\n")


DURATIONS = """input arrival : date
input cover : duration in months
decision waited : duration = as_of - arrival
decision more : duration in months = cover + 6 months
"""


def test_an_expected_duration_is_compared_by_value_however_it_is_written(tmp_path, capsys):
    (tmp_path / "r.rules").write_text(DURATIONS, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "c.yaml").write_text("""- name: words
  as_of: 2026-03-01
  facts: {arrival: 2026-01-15, cover: 1 year}
  expected: {waited: 45 days, more: 1 year 6 months}
- name: iso
  as_of: 2026-03-01
  facts: {arrival: 2026-02-15, cover: P12M}
  expected: {waited: P2W, more: P18M}
- name: wrong
  as_of: 2026-03-01
  facts: {arrival: 2026-02-15, cover: P12M}
  expected: {waited: 15 days, more: 18}
""", encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f'FAIL {tmp_path}/tests/c.yaml:9: wrong\n     waited: expected "15 days", got "P14D"\n'
        '     more: expected 18, got "P1Y6M"\nevery rule is exercised by at least one case\n2 passed, 1 failed\n')


FUNCTIONS = """input ages : list of integer
function share(a: integer) : integer
  | a      || share
  | < 18   || 0
  | 18..59 || 8
  | >= 60  || 25
decision shares : list of integer = for a in ages return share(a)
"""


def test_rows_of_a_function_can_be_expected_to_fire_and_count_for_coverage(tmp_path, capsys):
    (tmp_path / "r.rules").write_text(FUNCTIONS, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "c.yaml").write_text("""- name: family
  as_of: 2026-03-01
  facts: {ages: [24, 61]}
  expected: {shares: [8, 25]}
  fired: [share#2, share#3]
""", encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 0
    assert capsys.readouterr().out == (f"1 rule(s) no case exercises:\n  share#1 ({tmp_path}/r.rules:4)\n"
                                       "1 passed, 0 failed\n")


def test_an_expected_rate_and_amount_may_be_written_as_the_rules_write_them(tmp_path, capsys):
    (tmp_path / "r.rules").write_text("input a : integer\ndecision rate : number\n  | a || rate\n  | 1 || 70%\n"
                                      "  | 2 || 7.5%\n  | 3 || 0.25\ndecision fee : money = 30 € * rate\n"
                                      "decision label : text\n  | a || label\n  | 1 || \"70%\"\n  | 2 || \"x\"\n  | 3 || \"y\"\n",
                                      encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "c.yaml").write_text(
        "- {name: seventy, as_of: 2020-01-01, facts: {a: 1}, expected: {rate: 70%, fee: 21 €, label: 70%}}\n"
        "- {name: seven and a half, as_of: 2020-01-01, facts: {a: 2}, expected: {rate: 7.5%, fee: 2.25 €}}\n"
        "- {name: a quarter, as_of: 2020-01-01, facts: {a: 3}, expected: {rate: 25%}}\n"
        "- {name: wrong, as_of: 2020-01-01, facts: {a: 3}, expected: {rate: 30%}}\n", encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.endswith("3 passed, 1 failed\n") and "wrong" in out
