"""verdict: decision tables in a small language, evaluated into explained verdicts.

    import engine
    rs = engine.load_ruleset("rulesets/student_health")
    v = rs.evaluate({"nationality": "CN", ...}, as_of="2025-09-01", outputs=["enrolment"])
    v.outputs["enrolment"]; v.explain(lang="zh"); v.to_json()
"""
import importlib

from engine.lazy_modules import submodule_getter as _submodule_getter

# Each name is imported when first used, so that `import engine` (and the `verdict` command) loads
# only what it needs: a cached ruleset needs neither the parser (lark) nor the renderer.
_HOMES = {"Diagnostic": "errors", "EvaluationError": "errors", "FactError": "errors", "RuleError": "errors",
          "RuleSyntaxError": "errors", "TraceError": "errors", "VerdictError": "errors",
          "Ruleset": "ruleset", "load_ruleset": "ruleset", "explain_trace": "explain.render", "replay": "trace.replay",
          "Status": "evaluation.status", "ENGINE_VERSION": "trace.verdict", "Verdict": "trace.verdict",
          "read_trace": "trace.check", "sign_trace": "trace.signing", "check_signature": "trace.signing",
          "Months": "durations"}

__all__ = ["load_ruleset", "Ruleset", "Verdict", "Diagnostic", "VerdictError", "RuleError", "RuleSyntaxError",
           "FactError", "EvaluationError", "TraceError", "explain_trace", "read_trace", "replay", "sign_trace",
           "check_signature", "Status", "Months"]
__version__ = "0.2.0"  # engine.trace.verdict.ENGINE_VERSION (tests/test_cache.py holds the two equal)

_submodule = _submodule_getter(__name__)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:  # `engine.ruleset` and the like, as when this file imported them: the submodule itself
        return _submodule(name)
    value = getattr(importlib.import_module(f"engine.{home}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOMES))
