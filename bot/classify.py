"""Reading the meaning the guide's branches need out of one reply.

NLU gives an intent and entities; these helpers turn them (and, where NLU cannot know the
question's context, the text itself) into the normalised facts the guide's conditions test.
Each returns None when the reply is unclear, so the caller can offer buttons instead of
guessing.
"""

from __future__ import annotations

import re

YES, NO = "yes", "no"
CLOSE_TO_80_20, BALANCED = "close_to_80_20", "balanced"

_YES_START = re.compile(
    r"^\W*(yes|yeah|yea|yep|yup|ya|sure|of course|definitely|absolutely|indeed|correct|"
    r"right|certainly|totally|affirmative|ok|okay|i do|we do|we did|i did|it is|they are|"
    r"it was|they did|we have|i have|mostly yes|i think so|i agree|agreed)\b",
    re.IGNORECASE,
)
_NO_START = re.compile(
    r"^\W*(no|nope|nah|never|not really|not at all|not yet|negative|we don'?t|we do not|"
    r"we didn'?t|we did not|i don'?t think so|we haven'?t|we have not|i haven'?t|not that i"
    r"|none|it isn'?t|it is not|they aren'?t|not much|rarely|hardly)\b",
    re.IGNORECASE,
)


#: words that make a one- or two-word reply a yes or a no (NLU alone can be overconfident
#: on a lone unknown word: it once read "reversed" as a yes with 0.99)
_YES_NO_CUE = re.compile(
    r"\b(yes|yeah|yea|yep|yup|ya|sure|course|definitely|absolutely|indeed|correct|right|"
    r"certainly|totally|affirmative|ok|okay|agree|agreed|fine|true|always|often|usually|"
    r"sometimes|mostly|partly|partially|somewhat|maybe|kinda|sorta|do|does|did|have|has|"
    r"no|nope|nah|never|not|none|nothing|negative|false|rarely|hardly|don'?t|doesn'?t|"
    r"didn'?t|haven'?t|hasn'?t|isn'?t|aren'?t|wasn'?t|y|n)\b|[👍👎✅❌✔✖]",
    re.IGNORECASE,
)
SHORT_REPLY_WORDS = 2


def yes_no(intent: str | None, text: str) -> str | None:
    """ "yes"/"no" for a yes/no question; a free-text "yes, we monitor weekly" counts as yes.

    A reply of one or two words, or one without a Latin letter (the bot understands
    English only: "مرحبا بالعالم" once read as a yes), counts only if it says yes or no in
    words or emoji (or is a button payload such as "/affirm"); otherwise it is unclear and
    the question is asked again."""
    text = text or ""
    short = len(re.findall(r"\w+", text)) <= SHORT_REPLY_WORDS
    unreadable = not re.search(r"[A-Za-z]", text)
    if intent in ("affirm", "deny") and (short or unreadable) and not text.lstrip().startswith("/"):
        if not _YES_NO_CUE.search(text):
            intent = None
    if intent == "affirm":
        return YES
    if intent == "deny":
        return NO
    if _NO_START.search(text or ""):
        return NO
    if _YES_START.search(text or ""):
        return YES
    return None


_PAIR = re.compile(r"(\d{1,3})\s*%?\s*(?:/|-|:|to|vs\.?|versus)\s*(\d{1,3})\s*%?")
_PERCENT = re.compile(r"(\d{1,3})\s*(?:%|percent|per cent)")
_EVEN = re.compile(
    r"half and half|fifty[- ]fifty|\bequal(ly)?\b|\bevenly\b|\bbalanced\b|\bthe same\b|"
    r"\bsplit (it )?(evenly|equally)|\bhalf\b|\bsimilar\b|\bcomparable\b",
    re.IGNORECASE,
)
_MOST = re.compile(
    r"\b(most|mostly|majority|bulk|almost all|nearly all|lion'?s share|mainly|largely|"
    r"way more|much more|a lot more|far more|forever|ages)\b",
    re.IGNORECASE,
)

# What "most of the time" must be about for the answer to read as 80/20, per question.
_HEAVY_SIDE = {
    "data_preparation.time_split": re.compile(
        r"data|clean|prepar|collect|wrangl|label|annotat|etl|pipeline|feature", re.I
    ),
    "model_evaluation.time_split": re.compile(r"tun|debug|hyper|fix|experiment|train|iterat|optimi", re.I),
}


def time_split(question_id: str, text: str) -> str | None:
    """Classify a "how long on X vs Y" answer as close to 80/20 or balanced.

    The first number of a pair is the share of the heavy side the question names first
    (data work, or tuning and debugging): "70/30" and "80%" read as close to 80/20,
    "50/50", "60/40" and "half and half" as balanced.
    """
    text = text or ""
    m = _PAIR.search(text)
    if m:
        first, second = int(m.group(1)), int(m.group(2))
        if 90 <= first + second <= 110:
            return CLOSE_TO_80_20 if first >= 65 else BALANCED
    m = _PERCENT.search(text)
    if m and int(m.group(1)) <= 100:
        return CLOSE_TO_80_20 if int(m.group(1)) >= 65 else BALANCED
    if _EVEN.search(text):
        return BALANCED
    most = _MOST.search(text)
    if most:
        heavy = _HEAVY_SIDE.get(question_id)
        after = text[most.end() :]
        if heavy is None or heavy.search(after) or heavy.search(text[: most.start()]):
            return CLOSE_TO_80_20
        return BALANCED
    return None


_OUTSIDE = re.compile(
    r"consult|outsourc|agenc|vendor|contractor|freelanc|third[- ]part|external (team|partner|compan)|"
    r"another company|partner compan",
    re.IGNORECASE,
)
_INSIDE = re.compile(
    r"in[- ]house|internal(ly)?|our (own )?(team|data scientists|engineers|ml)|\bwe (build|develop|do|have)|"
    r"\bmy team\b|myself|\bi (build|develop|do)|data scientists|ml engineers|our team",
    re.IGNORECASE,
)


def builds_own(intent: str | None, text: str) -> bool | None:
    """Whether the practitioners build and deploy their own models (gates dev practices).

    Consultants only → False; an in-house team (alone or beside consultants) → True.
    """
    inside, outside = bool(_INSIDE.search(text or "")), bool(_OUTSIDE.search(text or ""))
    if inside:
        return True
    if outside:
        return False
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None
