"""engine/locale: CLDR formatting of values (exact), and line breaking by each script's rules."""
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.explain.render import Reading
from engine.locale.formatting import country_name, format_date, format_list, format_money, format_number, format_percent
from engine.locale.linebreak import NO_LINE_END, NO_LINE_START, display_width, french_spacing, wrap

NBSP, NNBSP = "\u00a0", "\u202f"


def test_dates_are_written_as_each_language_writes_them():
    day = dt.date(2001, 3, 14)
    assert [format_date(day, lang) for lang in ("en", "fr", "zh")] == [
        f"14{NBSP}March{NBSP}2001", f"14{NBSP}mars{NBSP}2001", "2001年3月14日"]
    assert format_date(dt.date(2025, 9, 1), "fr") == f"1er{NBSP}septembre{NBSP}2025"


def test_euros_numbers_and_rates_are_exact_and_local():
    assert [format_money(Decimal("10339.00"), lang) for lang in ("en", "fr", "zh")] == [
        "€10,339.00", f"10{NNBSP}339,00{NBSP}€", "€10,339.00"]
    assert [format_percent(Decimal("0.7"), lang) for lang in ("en", "fr", "zh")] == ["70%", f"70{NBSP}%", "70%"]
    assert format_percent(Decimal("0.705"), "fr") == f"70,5{NBSP}%"
    assert format_number(Decimal("12345.678901234"), "en") == "12,345.678901234"  # every digit kept


def test_countries_and_lists_are_named_in_words():
    assert [country_name("FR", lang) for lang in ("en", "fr", "zh")] == ["France", "France", "法国"]
    assert country_name("DE", "fr") == "Allemagne"
    assert format_list(["a", "b", "c"], "fr") == "a, b et c"
    assert format_list(["甲", "乙", "丙"], "zh") == "甲、乙和丙"


def test_a_reading_shows_every_type_in_words():
    trace = {"languages": ["en", "fr"], "types": {"rate": "percent", "c": "country", "ok": "bool"},
             "labels": {"fr": {"titles": {"rate": "Taux"}, "symbols": {"true": "oui"}}, "en": {"titles": {"c": "Country"}}}}
    reading = Reading(trace, "fr")
    assert reading.stated("rate", "0.7") == f"Taux{NBSP}: 70{NBSP}%"
    assert reading.stated("c", "DE") == f"Country{NBSP}: Allemagne"  # the default language's title
    assert reading.value(True, "bool") == "oui"
    assert reading.value([], "list of symbol") == "néant"


def test_chinese_closing_punctuation_never_starts_a_line():
    text = "您来法国高校学习，既没有欧洲医保卡，也不属于魁北克协议或带薪工作的情况：请在网站上免费注册医保。"
    for width in range(6, 40):
        lines = wrap(text, width)
        assert "".join(lines) == text
        assert all(line and line[0] not in NO_LINE_START for line in lines), (width, lines)
        assert all(display_width(line) <= width for line in lines)


def test_a_date_written_in_chinese_stays_on_one_line():
    for width in range(14, 30):
        assert any("2019年11月1日" in line for line in wrap("规则 2019年11月1日起适用", width)), width


def test_french_spacing_makes_the_space_before_signs_non_breaking():
    assert french_spacing("Note : oui ; non ! Vraiment ? « oui »") == (
        f"Note{NBSP}: oui{NNBSP}; non{NNBSP}! Vraiment{NNBSP}? «{NBSP}oui{NBSP}»")
    assert french_spacing("voir css.rules:32 et http://x") == "voir css.rules:32 et http://x"
    text = french_spacing("les conditions de la Complémentaire : vous y avez droit ; sinon non !")
    for width in range(8, 40):
        assert all(not line.startswith((":", ";", "!", "?")) for line in wrap(text, width))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["mot", "€30.00", "70 %", "，", "。", "（", "）", "医保", "卡", " ", "：", "long-word"]),
                max_size=60), st.integers(min_value=4, max_value=30))
def test_wrapping_keeps_the_text_and_the_rules(parts, width):
    text = "".join(parts)
    lines = wrap(text, width)
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    for index, line in enumerate(lines):
        if index:
            assert line[:1] not in NO_LINE_START
        if index < len(lines) - 1:
            assert line[-1:] not in NO_LINE_END


def test_english_and_french_are_wrapped_without_compiling_the_class_of_wide_characters():
    from engine.locale import linebreak
    linebreak._maybe_wide.cache_clear()
    text = french_spacing("Vous avez droit à la Complémentaire santé solidaire : 10 339,00 € (foyer d’une personne) !")
    assert wrap(text, 24) == ["Vous avez droit à la", "Complémentaire santé", f"solidaire{NBSP}: 10 339,00 €",
                              f"(foyer d’une personne){NNBSP}!"]
    assert linebreak._maybe_wide.cache_info().currsize == 0  # never compiled: no word needed it
    assert wrap("€10,339.00 for a household…", 12) == ["€10,339.00", "for a", "household…"]
    assert linebreak._maybe_wide.cache_info().currsize == 0
    assert wrap("a…b 医保卡 \u1100\u1100", 4) == ["a…b", "医保", "卡", "\u1100\u1100"]  # Hangul jamo: wide too
    assert linebreak._maybe_wide.cache_info().currsize == 1
