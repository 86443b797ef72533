"""on_dask: evaluate_table over a Dask DataFrame, one partition at a time, on any Dask cluster.

    from dask.distributed import Client, LocalCluster
    import dask.dataframe as dd
    from engine.vector.on_dask import evaluate_dask

    client = Client(LocalCluster(n_workers=4))
    cases = dd.read_parquet("households/*.parquet", dtype_backend="pyarrow")
    verdicts = evaluate_dask("rulesets/student_health", cases, "2025-09-01", ["css_status"])
    verdicts.to_parquet("verdicts/")

Each worker loads the ruleset from its path once (a loaded Ruleset holds compiled code, which
does not travel between processes) and checks it is the same ruleset (its sha256). A partition's
result is `TableResult.to_pandas()`: one column per output, then `<output>_status` and
`<output>_error`, with pyarrow-backed columns so that money stays decimal.
"""
from __future__ import annotations

import threading
from pathlib import Path

_LOADED: dict = {}
_LOCK = threading.Lock()


class EvaluatePartition:
    """The function map_partitions runs: picklable (a path, a date, names), the ruleset loaded
    once per worker process."""

    def __init__(self, path: str, sha256: str, as_of: str, outputs):
        self.path, self.sha256, self.as_of, self.outputs = path, sha256, as_of, outputs

    def ruleset(self):
        with _LOCK:
            ruleset = _LOADED.get(self.path)
            if ruleset is None or ruleset.sha256 != self.sha256:
                import engine
                ruleset = _LOADED[self.path] = engine.load_ruleset(self.path)
        if ruleset.sha256 != self.sha256:
            raise RuntimeError(f"the ruleset at {self.path} changed since the computation was planned")
        return ruleset

    def __call__(self, partition):
        return self.ruleset().evaluate_table(partition, self.as_of, self.outputs).to_pandas()


def evaluate_dask(ruleset_or_path, frame, as_of, outputs=None):
    """A Dask DataFrame of the verdicts of every row of `frame` (lazy: compute or write it)."""
    import engine
    ruleset = engine.load_ruleset(ruleset_or_path) if isinstance(ruleset_or_path, (str, bytes)) or \
        hasattr(ruleset_or_path, "__fspath__") else ruleset_or_path
    wanted = list(outputs) if outputs else list(ruleset.default_outputs())
    function = EvaluatePartition(str(Path(ruleset.files.root).resolve()), ruleset.sha256, str(as_of), wanted)
    _LOADED.setdefault(function.path, ruleset)
    meta = ruleset.evaluate_table(frame._meta, as_of, wanted).to_pandas()  # the columns, from no row
    return frame.map_partitions(function, meta=meta)
