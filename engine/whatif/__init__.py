"""whatif: what would change a verdict (counterfactuals), and properties the checker proves.

    counterfactuals(ruleset, facts, output, want=None, fixed=(), as_of=None) -> WhatIf
    render(whatif, ruleset, lang) -> text;  WhatIf.to_dict() -> the JSON shape of docs/whatif.md
"""
from engine.whatif.render import render
from engine.whatif.search import Change, Counterfactual, Region, WhatIf, counterfactuals

__all__ = ["counterfactuals", "render", "WhatIf", "Counterfactual", "Change", "Region"]
