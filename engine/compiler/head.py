"""head: a big `hit first` table looked up in its first HEAD_ROWS rows before the others.

The first row that matches is, in a table whose rows overlap, most often among the first rows: so
a `hit first` table of more than HEAD_ROWS rows gets a second, small index over its first
HEAD_ROWS rows alone (engine/compiler/index.py, bounded in size whatever the table's length),
and the generated code asks it first. Only when none of those rows matches does it go on to the
whole table's index, or, for a table too big to index, to a scan of the rows after the head. Its
cost follows where the answer is, not how many rows the table has. A part of codegen.Generator.
"""
from __future__ import annotations

from engine.compiler.index import index_table

HEAD_ROWS = 1024


def head_index(gen, plan):
    """The index of the table's first HEAD_ROWS rows, or None (a short table, or not indexable)."""
    key = ("head", id(plan))
    found = gen.plans.indexes.get(key, False)
    if found is False:
        found = None
        if len(plan.rows) > HEAD_ROWS:
            found = index_table(gen.compiler, plan, rows=plan.rows[:HEAD_ROWS])
        gen.plans.indexes[key] = found
    return found


def write_head_look_up(gen, head, columns: list, emit) -> None:
    """Statements setting `q` to the head rows that match and, when there is one, `r` to the first;
    the caller writes what to do when `q` is empty under the `else:` this leaves open."""
    u = gen.unit
    gen._segments(head, columns, emit, prefix="hs")
    emit(f"q = {' & '.join(f'{u.obj(c.masks)}[hs{n}]' for n, c in enumerate(head.columns))}")
    emit(f"if q: r = {head.rows} - q.bit_length()")
    emit("else:")
