"""status: what became of each decision a verdict was asked for — answered, no answer, not evaluated."""
from __future__ import annotations

from typing import Optional

import attrs

from engine.attrs_repr import frozen

ANSWERED = "answered"
NO_ANSWER = "no_answer"
NOT_EVALUATED = "not_evaluated"


@frozen
class Status:
    """`state` is ANSWERED, NO_ANSWER (the rules give none: `code`, `reason` by language, and the
    decision and rule where evaluation stopped) or NOT_EVALUATED (`missing`: the facts it needs)."""

    state: str
    code: Optional[str] = None          # no-answer (a row says so), no-match, evaluation (a failed step)
    decision: Optional[str] = None      # where evaluation stopped: this decision or one it reads
    rule: Optional[str] = None
    location: Optional[dict] = None     # {"file", "line", "column"} of what stopped it
    reason: Optional[dict] = None       # language -> text
    missing: tuple = ()
    diagnostic: object = attrs.field(default=None, eq=False)  # the evaluation error, for a reader at a terminal

    @property
    def answered(self) -> bool:
        return self.state == ANSWERED

    def to_dict(self) -> dict:
        out = {"status": self.state}
        if self.state == NO_ANSWER:
            out["code"] = self.code
            out["decision"] = self.decision
            if self.rule is not None:
                out["rule"] = self.rule
            if self.location is not None:
                out["location"] = self.location
            out["reason"] = dict(self.reason or {})
        elif self.state == NOT_EVALUATED:
            out["missing"] = list(self.missing)
        return out


ANSWERED_STATUS = Status(ANSWERED)
