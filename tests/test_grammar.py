"""The grammar itself: conflict-free under Lark's strict mode, and cached for fast loading."""
import lark

from engine.syntax.parse import GRAMMAR_PATH, parser


def test_grammar_has_no_conflicts_or_collisions_in_strict_mode():
    # strict=True turns shift/reduce conflicts and terminal collisions into errors.
    lark.Lark(GRAMMAR_PATH.read_text(encoding="utf-8"), parser="lalr", strict=True,
              start=["ruleset", "expression", "unary_tests"], propagate_positions=True, maybe_placeholders=True)


def test_parser_is_built_once():
    assert parser() is parser()
