"""rule_ids: no two rows of a ruleset share an `id` (a translation and a trace name a rule by it)."""
from __future__ import annotations

from engine import ast
from engine.span import Span


def check_rule_ids(resolver) -> None:
    """No two rows of the ruleset share an `id`: messages/<lang>.yaml translates a `because` by it and
    a trace names the rule by it. Each row after the first, in the files' order, is reported."""
    first: dict[str, Span] = {}
    for file in resolver.files:
        for decl in file.declarations:
            body = getattr(decl, "body", None)
            for row in body.rows if isinstance(body, ast.Table) else ():
                if row.rule_id is None:
                    continue
                place = row.id_span or row.span
                if first.setdefault(row.rule_id, place) is not place:
                    resolver.error("duplicate-name", f"rule id `{row.rule_id}` is given twice (first at "
                                   f"{first[row.rule_id].location()})", place,
                                   "give each row its own id: an explanation's translation and a trace name the rule by it")
