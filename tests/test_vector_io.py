"""The vectorised path beyond one table in memory: a Dask DataFrame on a local cluster, and
`verdict eval --batch` with Parquet in and out."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import engine

ROOT = Path(__file__).resolve().parent.parent
RULESET_PATH = ROOT / "rulesets" / "student_health"
CASES = pd.DataFrame({"household_size": [1, 2, 6, 0, 3, 1],
                      "annual_resources": [D("9000.00"), D("16000.50"), D("1"), D("1"), D("99999"), D("10339.01")],
                      "territory": ["metropole", "metropole", "outre_mer", "metropole", "outre_mer", "metropole"],
                      "birth_date": [dt.date(2001, 3, 14), dt.date(1990, 1, 1), dt.date(1960, 5, 5)] * 2})


def plain(series) -> list:
    return [None if pd.isna(v) else v for v in series.astype(object)]


def test_a_dask_dataframe_is_evaluated_partition_by_partition_on_a_local_cluster():
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster
    from engine.vector.on_dask import evaluate_dask
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster):
        frame = dd.from_pandas(CASES, npartitions=3)
        verdicts = evaluate_dask(str(RULESET_PATH), frame, "2025-09-01", ["css_status", "css_free_ceiling"]).compute()
    assert plain(verdicts["css_status"]) == ["free", "participation", "free", None, "not_eligible", "participation"]
    assert plain(verdicts["css_status_status"]) == ["answered"] * 3 + ["error"] + ["answered"] * 2
    assert verdicts["css_status_error"].iloc[3] == "fact `household_size`: 0 is outside its declared range 1..20"
    in_memory = engine.load_ruleset(RULESET_PATH).evaluate_table(CASES, "2025-09-01", ["css_free_ceiling"])
    assert plain(verdicts["css_free_ceiling"]) == in_memory.values("css_free_ceiling")
    assert plain(verdicts["css_free_ceiling"])[:2] == [D("10339.00"), D("15508.00")]


def verdict(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_eval_batch_reads_and_writes_parquet(tmp_path):
    cases = tmp_path / "cases.parquet"
    pq.write_table(pa.Table.from_pandas(CASES, preserve_index=False), cases)
    out = tmp_path / "verdicts.parquet"
    done = verdict("eval", RULESET_PATH, "--batch", cases, "--out", out, "--as-of", "2025-09-01",
                   "--output", "css_status", "--output", "css_monthly_participation")
    assert done.returncode == 1, done.stderr  # one case refused
    table = pq.read_table(out)
    assert table.column_names == ["css_status", "css_monthly_participation", "css_status_status", "css_status_error",
                                  "css_monthly_participation_status", "css_monthly_participation_error"]
    assert str(table.schema.field("css_monthly_participation").type) == "decimal128(38, 2)"
    assert table.column("css_status").to_pylist()[:3] == ["free", "participation", "free"]
    assert table.column("css_status_status").to_pylist()[3] == "error"


def test_eval_batch_from_parquet_to_json_lines_writes_the_batch_lines(tmp_path):
    cases = tmp_path / "cases.parquet"
    pq.write_table(pa.Table.from_pandas(CASES.iloc[[0, 3]].drop(columns="birth_date"), preserve_index=False), cases)
    done = verdict("eval", RULESET_PATH, "--batch", cases, "--as-of", "2025-09-01", "--output", "css_status")
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {"line": 1, "outputs": {"css_status": "free"}},
        {"line": 2, "error": "fact `household_size`: 0 is outside its declared range 1..20",
         "diagnostics": [{"severity": "error", "code": "fact-range",
                          "message": "fact `household_size`: 0 is outside its declared range 1..20"}]}]
    missing = verdict("eval", RULESET_PATH, "--batch", tmp_path / "none.parquet", "--out", tmp_path / "o.parquet")
    assert missing.returncode == 2 and missing.stderr == (
        f"error[not-found]: batch file {tmp_path / 'none.parquet'}: No such file or directory\n"
        "  = give a .parquet or .jsonl file that exists\n")


DURATION_RULES = """input arrival : date
input stay : duration <= 365 days
decision waited : duration = as_of - arrival
decision visa : text
  | stay       || visa
  | < 90 days  || "short stay"
  | > 180 days || "long stay"
"""


def test_json_lines_written_column_by_column_are_the_batch_lines(tmp_path):
    # durations in the outputs, a gap (a partial verdict), a missing fact, refused facts: line for line
    # what `--batch` alone writes
    (tmp_path / "r.rules").write_text(DURATION_RULES, encoding="utf-8")
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(facts) for facts in [
        {"arrival": "2026-01-15", "stay": "P30D"}, {"arrival": "2026-01-15", "stay": "100 days"},
        {"arrival": "2026-01-15"}, {"arrival": "2026-01-15", "stay": "400 days"},
        {"arrival": "2026-01-15", "stay": "PT3H"}]) + "\n", encoding="utf-8")
    plain = verdict("eval", tmp_path / "r.rules", "--batch", cases, "--as-of", "2026-03-01")
    by_columns = verdict("eval", tmp_path / "r.rules", "--batch", cases, "--as-of", "2026-03-01",
                         "--out", tmp_path / "v.jsonl")
    assert plain.returncode == by_columns.returncode == 1
    lines = [json.loads(line) for line in (tmp_path / "v.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines == [json.loads(line) for line in plain.stdout.splitlines()]
    assert lines[0] == {"line": 1, "outputs": {"waited": "P45D", "visa": "short stay"}}
    assert lines[1]["outputs"] == {"waited": "P45D"} and lines[1]["status"]["visa"]["code"] == "no-match"
    assert lines[2]["status"]["visa"]["missing"] == ["stay"]
    assert lines[3]["error"] == "fact `stay`: 400 days is outside its declared range <= 365 days"


def test_a_line_that_is_not_json_stops_a_batch_written_column_by_column(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"household_size": 1}\n{oops\n', encoding="utf-8")
    done = verdict("eval", RULESET_PATH, "--batch", cases, "--out", tmp_path / "v.parquet")
    assert done.returncode == 2 and done.stderr == (
        "error[batch-line]: line 2: not a JSON line (Expecting property name enclosed in double quotes)\n"
        "  = a batch written column by column (--out, or a Parquet file) needs every line: fix the line, "
        "or leave out --out to have one error line for it\n")


def test_an_out_file_of_another_format_is_refused_before_anything_is_read(tmp_path):
    # the format goes by the extension (README): `o.csv` used to get JSON Lines, with exit 0
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"household_size": 1}\n', encoding="utf-8")
    for name, why in (("o.csv", "not .csv"), ("o.json", "not .json"), ("results", "and this name has none")):
        out = tmp_path / name
        base = out.with_suffix("") if out.suffix else out
        done = verdict("eval", RULESET_PATH, "--batch", cases, "--out", out, "--as-of", "2025-09-01")
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            f"error[usage]: --out {out}: the batch writes .parquet or .jsonl files (the format goes by the "
            f"extension), {why}\n"
            f"  = write {base}.parquet (a table, one column per output) or {base}.jsonl (one JSON verdict per line)\n")
        assert not out.exists()
    # before the ruleset or the batch is read: neither needs to exist for the refusal
    done = verdict("eval", tmp_path / "none", "--batch", tmp_path / "none.jsonl", "--out", tmp_path / "o.csv")
    assert done.returncode == 2 and done.stderr.startswith(f"error[usage]: --out {tmp_path / 'o.csv'}: ")
