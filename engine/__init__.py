"""verdict: decision tables in a small language, evaluated into explained verdicts.

    import engine
    rs = engine.load_ruleset("rulesets/student_health")
    v = rs.evaluate({"nationality": "CN", ...}, as_of="2025-09-01", outputs=["enrolment"])
    v.outputs["enrolment"]; v.explain(lang="zh"); v.to_json()
"""
from engine.errors import (Diagnostic, EvaluationError, FactError, RuleError, RuleSyntaxError, TraceError,
                           VerdictError)
from engine.ruleset import Ruleset, load_ruleset
from engine.explain import explain_trace
from engine.replay import replay
from engine.status import Status
from engine.trace import ENGINE_VERSION, Verdict
from engine.trace_check import read_trace

__all__ = ["load_ruleset", "Ruleset", "Verdict", "Diagnostic", "VerdictError", "RuleError", "RuleSyntaxError",
           "FactError", "EvaluationError", "TraceError", "explain_trace", "read_trace", "replay", "Status"]
__version__ = ENGINE_VERSION
