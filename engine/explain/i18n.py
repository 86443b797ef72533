"""The words of the explanation layout itself, in each language the engine speaks, and the
punctuation that joins them (a colon, a list) as each language writes it."""

WORDS = {
    "en": {"because": "because", "rule": "rule", "source": "source", "rests_on": "rests on",
           "calls": "calls", "call": "{call} gave {value} — rule {rule} (line {line})",
           "call_element": "{call}, for {element}, gave {value} — rule {rule} (line {line})",
           "element": "element {index}",
           "figures": "figures", "warning": "warning", "as_of": "as of {date}", "given": "given",
           "assumed": "assumed", "given_text": "{conditions}.",
           "assumed_text": "{values} (the rules' defaults, as the facts given do not say)", "quoted": "“{}”",
           "support": "What these answers rest on",
           "nothing_matched": "None of the {count} rules of this table applies to these facts.",
           "failed_on": " Here {conditions}, and every rule asks for something else.",
           "condition": "“{title}” is “{value}”",
           "valid_from": "valid from {date}", "from": "in force from {date}", "no_row": "no rule applies",
           "stale": "this value was last checked on {checked}; as of {as_of} a newer figure may apply (source {source}).",
           "stale_unsourced": "this value was last checked on {checked}; as of {as_of} a newer figure may apply.",
           "status": {"OFFICIAL": "OFFICIAL", "SECONDARY": "SECONDARY", "DERIVED": "DERIVED", "SEED": "SEED"},
           "missing": "missing", "note": "note", "no_answer": "no answer", "not_evaluated": "not evaluated",
           "stopped_at": "{decision}, which has no answer",
           "partial": "Questions without an answer yet: {count} of {total}.",
           "stopped": {"other": "The rules give no answer for “{decision}”."},
           "answered_are": "Answered: {names}.", "true": "yes", "false": "no", "none": "none"},
    "fr": {"because": "parce que", "rule": "règle", "source": "source", "rests_on": "repose sur",
           "calls": "appels", "call": "{call} a donné {value} — règle {rule} (ligne {line})",
           "call_element": "{call}, pour {element}, a donné {value} — règle {rule} (ligne {line})",
           "element": "élément {index}",
           "figures": "montants", "warning": "attention", "as_of": "au {date}", "given": "pour",
           "assumed": "supposé", "given_text": "{conditions}.",
           "assumed_text": "{values} (valeurs par défaut des règles, faute d'information dans le dossier)", "quoted": "«\u00a0{}\u00a0»",
           "support": "Ce sur quoi reposent ces réponses",
           "nothing_matched": "Aucune des {count} règles de ce tableau ne s'applique à ce dossier.",
           "failed_on": " Ici, {conditions}, et chaque règle demande autre chose.",
           "condition": "«\u00a0{title}\u00a0» vaut «\u00a0{value}\u00a0»",
           "valid_from": "en vigueur depuis le {date}", "from": "en vigueur depuis le {date}",
           "no_row": "aucune règle ne s'applique",
           "stale": "cette valeur a été vérifiée pour la dernière fois le {checked}\u202f; au {as_of}, un montant plus récent peut s'appliquer (source {source}).",
           "stale_unsourced": "cette valeur a été vérifiée pour la dernière fois le {checked}\u202f; au {as_of}, un montant plus récent peut s'appliquer.",
           "status": {"OFFICIAL": "OFFICIELLE", "SECONDARY": "SECONDAIRE", "DERIVED": "CALCULÉE", "SEED": "GUIDE"},
           "missing": "il manque", "note": "note", "no_answer": "pas de réponse", "not_evaluated": "pas encore de réponse",
           "stopped_at": "{decision}, qui n'a pas de réponse",
           "partial": "Questions encore sans réponse\u00a0: {count} sur {total}.",
           "stopped": {
               "no-match": "Aucune règle de «\u00a0{decision}\u00a0» ne s'applique à ce dossier.",
               "not-unique": "Plusieurs règles de «\u00a0{decision}\u00a0» s'appliquent à la fois, alors qu'une seule le devrait.",
               "out-of-range": "«\u00a0{decision}\u00a0» donne une valeur hors des limites que les règles lui fixent.",
               "evaluation": "«\u00a0{decision}\u00a0» ne peut pas être calculé à cette date\u00a0: par exemple, aucune version de ses règles ou aucun de ses montants n'est alors en vigueur.",
               "other": "Les règles ne donnent pas de réponse pour «\u00a0{decision}\u00a0»."},
           "answered_are": "Réponses données\u00a0: {names}.", "true": "oui", "false": "non", "none": "néant"},
    "zh": {"because": "原因", "rule": "规则", "source": "来源", "rests_on": "依据",
           "calls": "调用", "call": "{call} 得出 {value}——规则 {rule}（第 {line} 行）",
           "call_element": "{call}（{element}）得出 {value}——规则 {rule}（第 {line} 行）",
           "element": "第 {index} 个元素",
           "figures": "数值", "warning": "注意", "as_of": "适用日期：{date}", "given": "条件",
           "assumed": "默认", "given_text": "{conditions}。",
           "assumed_text": "{values}（未提供，按规则的默认值计算）", "quoted": "“{}”",
           "support": "以上结论的依据",
           "nothing_matched": "本表的 {count} 条规则均不适用于本案。",
           "failed_on": "本案中{conditions}，而每条规则的条件都与此不同。",
           "condition": "“{title}”为“{value}”",
           "valid_from": "{date}起适用", "from": "{date}起生效", "no_row": "没有适用的规则",
           "stale": "该数值最后核实于{checked}；截至{as_of}，可能已有更新的标准（来源 {source}）。",
           "stale_unsourced": "该数值最后核实于{checked}；截至{as_of}，可能已有更新的标准。",
           "status": {"OFFICIAL": "官方来源", "SECONDARY": "二手资料", "DERIVED": "推算值", "SEED": "原始指南"},
           "missing": "缺少", "note": "说明", "no_answer": "无法作答", "not_evaluated": "未计算",
           "stopped_at": "{decision}（无法作答）",
           "partial": "尚无答案的问题：{count}/{total}。",
           "stopped": {
               "no-match": "“{decision}”没有适用于本案的规则。",
               "not-unique": "“{decision}”有多条规则同时适用，而按规定只应有一条。",
               "out-of-range": "“{decision}”得出的数值超出了规则规定的范围。",
               "evaluation": "“{decision}”在该日期无法计算：例如，该日期没有有效的规则版本或数值。",
               "other": "规则没有为“{decision}”给出答案。"},
           "answered_are": "已作答：{names}。", "true": "是", "false": "否", "none": "无"},
}

LABELS = ("because", "given", "rule", "calls", "rests_on", "figures", "warning", "missing", "assumed", "note")


def words(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def parenthesised(text: str, lang: str) -> str:
    """`(text)`, with the full-width brackets Chinese typesetting uses."""
    return f"（{text}）" if lang == "zh" else f"({text})"


_COLONS = {"fr": "\u00a0: ", "zh": "："}


def colon(lang: str, before: str = "") -> str:
    """What separates a title from its value: `: `, ` : ` (French, non-breaking), `：`; a dash
    after a title that has a colon of its own (`Next step: CSS — apply online`)."""
    if before.endswith(("?", "？")):
        return "" if lang == "zh" else " "
    if ":" in before or "：" in before:
        return "——" if lang == "zh" else " — "
    return _COLONS.get(lang, ": ")


def joined(parts: list, lang: str, mark: str = ",") -> str:
    """Items of a run-on list: `a, b` or `a; b` (`a ; b` in French), `a、b` or `a；b` in Chinese."""
    if lang == "zh":
        return ("、" if mark == "," else "；").join(parts)
    if mark == ",":
        return ", ".join(parts)
    # after a semicolon a new item goes on in lower case (`Persons: 1; where it lives: …`), unless it is an acronym
    parts = parts[:1] + [p[0].lower() + p[1:] if len(p) > 1 and p[1].islower() else p for p in parts[1:]]
    return ("\u202f; " if lang == "fr" else "; ").join(parts)
