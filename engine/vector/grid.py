"""grid: the row a table fires, looked up instead of tested row by row, when every test of the
table compares its column with constants.

The constants of a column cut its values into cells (below the first, equal to it, between the
first and the second, …; for symbols: each symbol a test names, and all the others). Every value
of a cell passes the same tests, so the table is evaluated once on one representative per cell
combination (the same mask code, on a tiny table), and each case then only finds its cells
(np.searchsorted) and reads the answer. The per-case fast path does the same with its index.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np

from engine.vector import values as vv
from engine.vector.values import V, Unsupported

MAX_GRID = 4096  # cell combinations; a bigger grid is left to the row masks


def grid_applies(compiler, rows, column_types, columns) -> bool:
    if not all(c.kind in ("num", "sym", "bool") and not c.is_scalar for c in columns):
        return False
    return all(compiler.test_is_constant(cell.test, t) for row in rows for cell, t in zip(row.cells, column_types))


def column_cells(compiler, rows, index: int, column: V, type_, memo: dict):
    """(cell of every case, representatives V, number of cells) for input column `index`."""
    constants = [c for row in rows for c in compiler.constants_of_test(row.cells[index].test, type_)]
    if column.kind == "bool":
        return column.data.astype(np.int64), V("bool", np.array([False, True])), 2
    if column.kind == "sym":
        named = sorted({column.vocab.index(c) for c in constants if c in column.vocab})
        key = (id(column.data), tuple(named))
        if key not in memo:
            others = [code for code in range(len(column.vocab)) if code not in set(named)][:1]
            table = np.full(len(column.vocab) + 1, len(named), dtype=np.int64)
            table[named] = np.arange(len(named))
            table[-1] = 0  # code -1: a symbol refused, a bad case; any cell will do
            representatives = np.array(named + others, dtype=np.int32)
            memo[key] = table[column.data], V("sym", representatives, vocab=column.vocab), len(representatives)
        return memo[key]
    parts = [vv.decimal_parts(Decimal(c)) for c in constants]
    scale = max([column.scale] + [s for _, s in parts])
    bounds = np.unique(np.array([m * 10 ** (scale - s) for m, s in parts], dtype=np.int64))
    key = (id(column.data), scale, tuple(bounds.tolist()))
    if key not in memo:
        memo[key] = _number_cells(column, scale, bounds)
    return memo[key]


def _number_cells(column: V, scale: int, bounds: np.ndarray):
    values = vv.rescale(column, scale)
    if values.bad is not None and values.bad is not column.bad:
        raise Unsupported("a column past int64 at the scale of its constants")
    data = values.data
    lo, hi = (int(np.min(data)), int(np.max(data))) if len(data) else (0, 0)
    if hi - lo <= 4 * len(data) and hi - lo < 1_000_000:
        # Few distinct values (a household size, an age): the cells of each, then one lookup.
        cells = _cells_of(bounds, np.arange(lo, hi + 1, dtype=np.int64))[data - lo]
    else:
        cells = _cells_of(bounds, data)
    # Representatives, one decimal finer: below, each bound, each midpoint, above.
    fine = bounds * 10
    representatives = np.empty(2 * len(bounds) + 1, dtype=np.int64)
    representatives[0] = fine[0] - 5 if len(bounds) else 0
    representatives[1::2] = fine
    representatives[2:-1:2] = (fine[:-1] + fine[1:]) // 2
    representatives[-1] = fine[-1] + 5 if len(bounds) else 0
    return cells, V("num", representatives, scale + 1), len(representatives)


def _cells_of(bounds: np.ndarray, data: np.ndarray) -> np.ndarray:
    """Cell 2i: between bound i-1 and bound i; cell 2i+1: equal to bound i."""
    position = np.searchsorted(bounds, data, side="left")
    guarded = np.append(bounds, np.iinfo(np.int64).max)  # bounds[len] exists, and equals no value
    return 2 * position + (guarded[position] == data)


def grid_key(cells: list, strides, memo: dict) -> np.ndarray:
    """Each case's place in the grid; tables cutting their columns alike share it (`memo`)."""
    memo_key = ("grid key",) + tuple(id(cell) for cell in cells) + tuple(strides.tolist())
    if memo_key not in memo:
        key = cells[0]
        for cell, stride in zip(cells[1:], strides[1:]):
            key = key + cell * int(stride)
        memo[memo_key] = key
    return memo[memo_key]
