"""`verdict whatif PATH --facts F --output NAME [--want V] [--fixed NAME]…`: what would change a verdict."""
from __future__ import annotations

import json
import sys


def register(sub) -> None:
    parser = sub.add_parser("whatif", help="the smallest changes of the facts that change an output")
    parser.add_argument("path", metavar="PATH", help="a ruleset folder or a .rules file")
    parser.add_argument("--facts", required=True, help="a YAML or JSON file of facts, or - for standard input")
    parser.add_argument("--output", required=True, metavar="NAME", help="the decision to change")
    parser.add_argument("--want", metavar="VALUE", help="the value wanted (default: any other value)")
    parser.add_argument("--fixed", action="append", default=[], metavar="NAME",
                        help="a fact that cannot change (nationality, birth_date…); repeatable")
    parser.add_argument("--as-of", dest="as_of", metavar="DATE", help="the evaluation date (default: today)")
    parser.add_argument("--lang", help="language of the text (en, fr, zh)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (the changes in words, the default) or json (the regions and values)")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Exit 0: the changes are listed (maybe none); 2: bad rules, facts or arguments."""
    from engine.cli import read_facts, terminal_safe
    from engine.ruleset import load_ruleset
    from engine.whatif.render import render
    from engine.whatif.search import counterfactuals
    ruleset = load_ruleset(args.path)
    facts = read_facts(args.facts)
    found = counterfactuals(ruleset, facts, args.output, want=args.want, fixed=tuple(args.fixed),
                            as_of=args.as_of)
    if args.format == "json":
        print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(terminal_safe(render(found, ruleset, args.lang or ruleset.files.language)))
    return 0
