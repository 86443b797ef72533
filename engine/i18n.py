"""The words of the explanation layout itself, in each language the engine speaks."""

WORDS = {
    "en": {"because": "because", "rule": "rule", "source": "source", "rests_on": "rests on",
           "figures": "figures", "warning": "warning", "as_of": "as of", "matches": "matches",
           "valid_from": "valid from {date}", "from": "from {date}", "no_row": "no rule fired",
           "stale": "this value was last checked on {checked}; as of {as_of} a newer figure may apply (source {source}).",
           "stale_unsourced": "this value was last checked on {checked}; as of {as_of} a newer figure may apply.",
           "status": {"OFFICIAL": "OFFICIAL", "SECONDARY": "SECONDARY", "DERIVED": "DERIVED", "SEED": "SEED"},
           "missing": "missing", "note": "note", "no_answer": "no answer", "not_evaluated": "not evaluated",
           "stopped_at": "{decision}, which has no answer",
           "partial": "Questions without an answer yet: {count} of {total}.",
           "answered_are": "Answered: {names}."},
    "fr": {"because": "parce que", "rule": "règle", "source": "source", "rests_on": "repose sur",
           "figures": "montants", "warning": "attention", "as_of": "au", "matches": "correspond à",
           "valid_from": "en vigueur depuis le {date}", "from": "depuis le {date}", "no_row": "aucune règle appliquée",
           "stale": "cette valeur a été vérifiée pour la dernière fois le {checked} ; au {as_of}, un montant plus récent peut s'appliquer (source {source}).",
           "stale_unsourced": "cette valeur a été vérifiée pour la dernière fois le {checked} ; au {as_of}, un montant plus récent peut s'appliquer.",
           "status": {"OFFICIAL": "OFFICIELLE", "SECONDARY": "SECONDAIRE", "DERIVED": "CALCULÉE", "SEED": "GUIDE"},
           "missing": "manque", "note": "note", "no_answer": "pas de réponse", "not_evaluated": "non évalué",
           "stopped_at": "{decision}, qui n'a pas de réponse",
           "partial": "Questions encore sans réponse : {count} sur {total}.",
           "answered_are": "Réponses données : {names}."},
    "zh": {"because": "原因", "rule": "规则", "source": "来源", "rests_on": "依据",
           "figures": "数值", "warning": "注意", "as_of": "适用日期", "matches": "符合",
           "valid_from": "{date} 起适用", "from": "{date} 起", "no_row": "没有适用的规则",
           "stale": "该数值最后核实于 {checked}；截至 {as_of} 可能已有更新的标准（来源 {source}）。",
           "stale_unsourced": "该数值最后核实于 {checked}；截至 {as_of} 可能已有更新的标准。",
           "status": {"OFFICIAL": "官方来源", "SECONDARY": "二手来源", "DERIVED": "推算值", "SEED": "原始指南"},
           "missing": "缺少", "note": "说明", "no_answer": "无法作答", "not_evaluated": "未计算",
           "stopped_at": "{decision}（无法作答）",
           "partial": "尚无答案的问题：{count}/{total}。",
           "answered_are": "已作答：{names}。"},
}

LABELS = ("because", "rule", "rests_on", "figures", "warning", "missing", "note")


def words(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def parenthesised(text: str, lang: str) -> str:
    """`(text)`, with the full-width brackets Chinese typesetting uses."""
    return f"（{text}）" if lang == "zh" else f"({text})"
