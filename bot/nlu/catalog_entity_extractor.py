"""Rasa's SpacyEntityExtractor, giving the catalog's canonical ids as entity values.

The EntityRuler labels a match with its entity type (quality_issue, data_source,
data_type) and its pattern id with the catalog id; Rasa's extractor only knows the matched
text. This subclass reports `value` = catalog id and adds two things the ruler cannot do:

- the catalog's *cues* (see cues.py) report an issue that is described rather than
  named, when no named mention of that issue was found;
- a negated issue ("we never had fairness issues") is no mention, nor is one that the
  answer says how it handles ("we impute the missing values"), nor a word in an innocent
  sense the catalog lists for its id ("we add a bias term");
- a data type counts only where the answer says which data they work with ("images from
  the line cameras", "we use audio"), not in passing ("mislabeled images", "the camera moves").

It reuses the doc SpacyNLP already made (SpacyNLP lowercases the text, which the lookup
lemmatizer needs) instead of running the pipeline a second time.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from bot.catalog import Catalog, load_catalog
from bot.nlu.cues import Cue, CueMatcher, compile_cue

# message attribute: entity types of catalog mentions dropped (negated, handled, in passing)
HELD_BACK = "catalog_held_back"

#: "nt" is how spaCy splits the apostrophe-less "dont", "didnt", "wasnt" of typed chat
NEGATIONS = {
    *("no", "not", "n't", "nt", "never", "none", "without", "nor"),
    *("hardly", "barely", "rarely", "seldom"),
}
NEGATED_HAVING = {
    "have",
    "see",
    "get",
    "experience",
    "face",
    "encounter",
    "notice",
    "any",
    "much",
    "many",
    "real",
    "major",
    "big",
    "serious",
    "really",
    "that",
    "too",
    "need",
    "suffer",  # "we don't suffer from overfitting"
    "run",  # "we never ran into"
    "say",  # "can't say we have scalability problems"
    "remember",
    "problem",  # "we don't have problems with the annotators disagreeing"
    "issue",
    "trouble",
    "complaint",  # "not a single complaint about noisy readings"
    "single",
    "ever",  # "we barely ever see outliers"
    "our",  # "… is not our bottleneck"
}
#: right before a mention, or before its "a": "no drift", "not a black box"
DENYING = {"no", "never", "without", "nor", "not", "n't", "nt"}
#: tokens before a mention in which a negation and a having word are looked for
NEGATION_WINDOW = 6
#: content words allowed between a data type's context and the mention (names_the_data)
MAX_DATA_MODIFIERS = 3
#: skipped between a data type and the word it belongs to ("the store cameras' footage")
POSSESSIVE = ("'", "'s", "’", "’s")
#: a preposition that leads into the data only before these words: "for us, reviews", "in our
#: case court decisions" (elsewhere, "bad for legal texts", it does not open the answer)
LEAD_PREPOSITIONS = {"for": {"us", "me"}, "in": {"our", "my"}}
CLAUSE_BREAKS = {",", ".", ";", ":", "!", "?", "-", "(", "and", "but", "then", "plus", "also"}


def lower_keeping_offsets(text: str) -> str:
    """Lowercase character by character, leaving alone the few that change length."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def names_the_data(
    span: Span,
    context: dict[str, tuple[str, ...]],
    issue_tokens: frozenset[int] = frozenset(),
    issue_starts: frozenset[int] = frozenset(),
) -> bool:
    """True when a data-type mention follows a verb of working with data in a clause that
    has not named an issue before it ("missing metadata on the images" only mentions them),
    or opens a clause (after filler words only) that names no issue ("the claims table has
    nulls", "poor documentation of the tables"); see `data_type_context` in the catalog. Up
    to MAX_DATA_MODIFIERS content words may stand in between: they name the data more
    closely ("sentinel satellite images", "we crawl news articles"), unless one of them is
    an issue ("mislabeled images": the images are only mentioned), or after a verb of
    preparing data ("we augment the images"). `issue_tokens`: the
    tokens of the answer's issue entities; `issue_starts`: where its issue mentions
    (entities and cues) start."""
    lead, verbs = set(context.get("lead_words", ())), set(context.get("verbs", ()))
    preparing = set(context.get("not_after", ()))
    if not lead and not verbs:
        return True
    doc, modifiers = span.doc, 0
    opens_clause = span.start < 6 + MAX_DATA_MODIFIERS
    for token in reversed(doc[max(0, span.start - 6 - MAX_DATA_MODIFIERS) : span.start]):
        if token.i in issue_tokens or token.lemma_ in preparing:
            return False
        if token.lemma_ in verbs:
            # "missing metadata on the images", "it works worse on the dermatology images";
            # "we can't use the chat logs": data they do not work with
            negated_verb = token.i > 0 and doc[token.i - 1].lower_ in NEGATIONS
            return not negated_verb and not issue_in_clause(span, issue_starts, after=False)
        if token.lower_ in CLAUSE_BREAKS:
            opens_clause = True
            break
        if token.lower_ in lead or token.lower_ in POSSESSIVE or leads_in(token):
            continue
        if token.is_stop or not token.is_alpha or modifiers == MAX_DATA_MODIFIERS:
            return False
        modifiers += 1
    return opens_clause and not issue_in_clause(span, issue_starts)


def leads_in(token: Token) -> bool:
    following = LEAD_PREPOSITIONS.get(token.lower_)
    return bool(following) and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ in following


def issue_in_clause(span: Span, issue_starts: frozenset[int], after: bool = True) -> bool:
    """True when an issue mention starts in the clause of `span`, before it or (`after`)
    after it: "the portal changes the csv layout", "the eeg signal is full of artefacts"."""
    doc = span.doc
    start = span.start
    while start > 0 and doc[start - 1].lower_ not in CLAUSE_BREAKS:
        start -= 1
    end = span.end if after else span.start
    while after and end < len(doc) and doc[end].lower_ not in CLAUSE_BREAKS:
        end += 1
    return any(start <= i < end for i in issue_starts)


def modifies_a_data_type(span: Span) -> bool:
    """True when the next word (past a possessive) opens another data-type mention: in
    "molecule graphs" or "the store cameras' footage" the data are the graphs and the
    footage."""
    doc, i = span.doc, span.end
    while i < len(doc) and doc[i].lower_ in POSSESSIVE:
        i += 1
    return any(ent.start == i and ent.label_ == "data_type" for ent in doc.ents) if i < len(doc) else False


def cue_matcher(nlp: Language, catalog: Catalog) -> CueMatcher:
    """The catalog's cues, and its innocent senses as cues marked `innocent`."""
    return CueMatcher(
        [
            Cue(label=entity, id=entry.id, slots=compile_cue(nlp, cue, catalog.cue_sets), innocent=innocent)
            for entity, entries in catalog.entries.items()
            for entry in entries.values()
            for innocent, cues in ((False, entry.cues), (True, entry.innocent))
            for cue in cues
        ]
    )


def negated(span: Span) -> bool:
    """'no overfitting so far', 'we never had fairness issues', 'didn't see much drift',
    'we don't need permission': the mention right after no/never/without/not, or a negated
    have/see/suffer/problems with... within six tokens before it, in its clause ("we dont
    have problems with the annotators disagreeing"), or a denial after it (denied_after).
    "couldn't reproduce" and mentions that contain their own negation ("not enough data")
    stay mentions."""
    before = span.doc[max(0, span.start - NEGATION_WINDOW) : span.start]
    if len(before) and before[-1].lower_ in DENYING:
        return True
    if len(before) > 1 and before[-1].lower_ in ("a", "an") and before[-2].lower_ in DENYING:
        return True  # "the model is not a black box"
    if SO_FAR_SO_GOOD.search(" ".join(t.lower_ for t in before)):
        return True
    if denied_after(span):
        return True
    negation_seen = False
    for token in before:
        if token.lower_ in CLAUSE_BREAKS:
            negation_seen = False
        elif token.lower_ in NEGATIONS:
            # "we don't just have a few outliers": not just, not only is no denial
            following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
            if token.lower_ == "none" and following == "of":
                return True  # "none of the sensors drifted"
            negation_seen = following not in {"just", "only", "simply", "merely"}
        elif negation_seen and token.lemma_ in NEGATED_HAVING:
            return True
    return False


#: "the privacy side …", "the missing value thing …": a word between the issue and its denial
ISSUE_NOUN = r"(?:(?:side|thing|part|stuff|aspect)\s+)?"
#: "so far so good on reproducibility", "so far so good with the gpu bill"
SO_FAR_SO_GOOD = re.compile(r"so far so good (?:on|with|for)(?: the| our)?$")
#: "… was never an issue", "… isn't really a big problem", "… hasn't really been a concern",
#: "… was never requested",
#: "… is not our bottleneck", "… isnt something we worry about", "… havent broken anything"
DENIED_AFTER = re.compile(
    r"^" + ISSUE_NOUN + r"(?:(?:be|have|do)\s+)?(?:really\s+|ever\s+|actually\s+)?(?:not|n't|never)\s+"
    r"(?:really\s+|ever\s+|actually\s+)?(?:be\s+)?(?:really\s+|ever\s+|actually\s+)?"
    r"(?:(?:a|an|any|much|of|big|real|major|huge|the|our|that)\s+)*"
    r"(?:issue|problem|concern|thing|deal|worry|topic|challenge|pain|bottleneck|relevant|exist"
    r"|existing|factor|priority|headache|trouble|risk|come\s+up|matter|break|bite|bother|hurt"
    r"|request|require|demand|raise|ask\s+for"
    r"|something\s+(?:we|i)\s+(?:really\s+)?(?:worry|care|fight|struggle|think))\b"
)
#: "explainability is fine for us", "drift has been under control"
FINE_AFTER = re.compile(
    r"^"
    + ISSUE_NOUN
    + r"(?:be|have\s+be)\s+(?:really\s+|totally\s+|pretty\s+|quite\s+|actually\s+|basically\s+"
    r"|almost\s+|practically\s+|virtually\s+|close\s+to\s+|near\s+)?"
    r"(?:fine|ok|okay|solid|under\s+control|a\s+non\s+issue|non\s+issue|no\s+problem|no\s+issue"
    r"|zero|negligible|minimal)\b"
)
#: "reproducibility, we were worried at first but it turned out to be a non issue"
NON_ISSUE = re.compile(r"\bnon\s*-?\s*issue\b")
#: "scalability? not really", "drift? honestly not at all, ...", "noisy labels, i would say,
#: after looking at it for weeks, not really", "noisy sensors? not in our plant": a clause of
#: the mention's sentence that is only a denial
DENIED_LATER = re.compile(
    r"(?:^|[?,:-]\s+)(?:(?:honestly|well|hmm|so|uh|um|like|i\s+mean|i\s+would\s+say)\s+(?:,\s+)?)*"
    r"(?:not\s+really|not\s+at\s+all|not\s+much|not\s+so\s+much|hardly\s+any|hardly\s+ever|nope|no"
    r"|none|never|not\s+for\s+us|not\s+in\s+our\s+\w+|not\s+that\s+(?:i|we)\s+\w+(?:\s+\w+)?(?:\s+of)?)"
    r"\s*(?:[.!?,]|$)"
    # "data access? nah we have everything in one lake"
    r"|(?:^|[?,:-]\s+)(?:nah|nope)\b"
)
#: where the mention's sentence ends for DENIED_LATER ("?" does not: "drift? not really")
SENTENCE_END = {".", "!", ";", "\n"}


def denied_after(span: Span) -> bool:
    """The issue named, then denied: 'scalability was never an issue for us',
    'privacy isn't really a concern', 'explainability is fine for us', 'drift? not really',
    'reproducibility, we were worried but it turned out a non issue' (before any other
    issue is named). Lemmas, so 'wasn't' and 'has never been' read as 'be not' and 'have
    never be'."""
    rest, own = [], None
    next_issue = min(
        (e.start for e in span.doc.ents if e.label_ == "quality_issue" and e.start >= span.end), default=None
    )
    for token in span.doc[span.end : span.end + 30]:
        if token.lower_ in SENTENCE_END:
            break
        if token.i == next_issue:
            own = len(rest)
        rest.append(token.lemma_.lower() if token.lemma_ else token.lower_)
    lemmas = " ".join(rest)
    return bool(
        DENIED_AFTER.match(lemmas)
        or FINE_AFTER.match(lemmas)
        or DENIED_LATER.search(lemmas)
        or NON_ISSUE.search(" ".join(rest[:own]))
    )


#: an answer that denies having an issue somewhere ("no issues with documentation of the
#: columns", "testing the model was not difficult", "never had trouble reproducing a run"):
#: the learned detector, which reads the whole answer, does not add an issue to it
DENIAL = re.compile(
    r"\b(?:no|not|never|nobody|n't|nt|without)\s+(?:\w+\s+){0,3}?(?:issue|problem|trouble|complaint"
    r"|breakage|misunderstand(?:ing)?|doubt|gap|disconnect|mismatch)\b"
    # "wasn't hard", "has never been painful", "hasnt been painful" (have nt be)
    r"|\b(?:(?:be|have\s+be)\s+(?:not|never|n't|nt)|have\s+(?:not|never|n't|nt)\s+be)\s+"
    r"(?:really\s+|that\s+|very\s+|too\s+|particularly\s+)?"
    r"(?:difficult|hard|painful|tricky|bad|an\s+issue|a\s+problem)\b"
    r"|\bnothing\s+to\s+complain\b"
    r"|\b(?:never|n't|nt|not)\s+(?:ever\s+)?(?:notice|doubt)\b"
    r"|\b(?:never|n't|nt)\s+(?:ever\s+)?(?:have\s+)?(?:see|notice)\s+(?:\w+\s+){0,3}?(?:disagree|diverge)\b"
)


def denies_an_issue(doc: Doc) -> bool:
    lemmas = " ".join((t.lemma_ or t.lower_).lower() for t in doc)
    return bool(DENIAL.search(lemmas))


def handled(span: Span, handling: set[str], nouns: frozenset[str] = frozenset()) -> bool:
    """'we impute the missing values', 'we oversample the minority class': the mention is
    the object of a handling verb (catalog `handling_words`, lemmas) within five tokens
    before it ('we drop the columns with too many nulls'), in its clause: the answer says
    how it is handled, so no follow-up. A handling word followed by "be" is a noun, the
    mention's subject ("addresses are full of typos"). The same in the passive ('nulls
    are flagged', 'outliers get clipped') and before a handling noun ('drift dashboards',
    'a fairness audit'; catalog `handling_nouns`)."""
    for token in reversed(span.doc[max(0, span.start - 5) : span.start]):
        if token.lemma_ in handling and not (
            token.i + 1 < len(token.doc) and token.doc[token.i + 1].lemma_ == "be"
        ):
            return True
        if token.lower_ in CLAUSE_BREAKS:
            break
    after = span.doc[span.end : span.end + 4]
    if len(after) and after[0].lemma_ in nouns:
        return True
    for i, token in enumerate(after):
        if token.lower_ in CLAUSE_BREAKS:
            break
        if token.lemma_ in ("be", "get") and any(
            participle(t) and t.lemma_ in handling for t in after[i + 1 : i + 3]
        ):
            return True
    return handled_as_topic(span, handling)


#: besides the catalog's handling_words, verbs that say how a topic named first is handled:
#: "the missing values we fill with knn"
TOPIC_HANDLING = {"fill", "treat", "deal", "manage", "cover"}
#: and after "for <issue>", what is done for it: "for explainability we give counterfactuals"
FOR_TOPIC_HANDLING = {"use", "give", "provide", "apply", "rely", "compute", "generate", "run", "show"}


#: between the topic and what "we" do about it: "model staleness? we retrain weekly"
TOPIC_MARKS = {"?", ",", ":", "-", "–", "—"}


def handled_as_topic(span: Span, handling: set[str]) -> bool:
    """The issue named first as the topic, then what "we" do about it: "the missing values
    we fill with a knn imputer", "for explainability we give counterfactual explanations",
    "model staleness? we retrain weekly"."""
    doc = span.doc
    end = span.end + 1 if span.end < len(doc) and doc[span.end].text in TOPIC_MARKS else span.end
    if end + 1 >= len(doc) or doc[end].lower_ not in ("we", "i"):
        return False
    verb = doc[end + 1].lemma_
    before = doc[span.start - 1].lower_ if span.start else ""
    if before == "the" and span.start > 1:
        before = doc[span.start - 2].lower_
    for_it = before in ("for", "against") and verb in FOR_TOPIC_HANDLING
    return verb in handling or verb in TOPIC_HANDLING or for_it


def participle(token: Token) -> bool:
    """'flagged', 'clipped', 'caught': a passive handling verb ('is cleaning' is no passive)."""
    return token.lower_.endswith("ed") or token.lower_ in ("caught", "done", "kept")


def predicted(span: Span, catalog: Catalog) -> bool:
    """'we predict network latency spikes', 'the model forecasts peak load': the mention is
    the model's target, named after a prediction verb and its subject (catalog
    `prediction_verbs`, `prediction_subjects`) within five tokens before it, in its clause."""
    verbs, subjects = set(catalog.prediction_verbs), set(catalog.prediction_subjects)
    window = span.doc[max(0, span.start - 6) : span.start]
    for i in range(len(window) - 1, 0, -1):
        if window[i].lower_ in CLAUSE_BREAKS:
            return False
        if window[i].lemma_ in verbs and window[i - 1].lower_ in subjects:
            return True
    return False


def issue_subject(span: Span, value: str, found: list[tuple[Span, str]], catalog: Catalog) -> bool:
    """A source named within three tokens of (or inside) an issue about its own work
    (catalog `source_as_subject`): "two annotators label the same image differently"."""
    issues = catalog.source_as_subject.get(value, ()) if span.label_ == "data_source" else ()
    return any(
        other.label_ == "quality_issue"
        and issue in issues
        and other.start - 3 < span.end
        and span.start < other.end + 3
        for other, issue in found
    )


def catalog_entities(
    doc: Doc, catalog: Catalog, cues: CueMatcher, held_back: set[str] | None = None
) -> list[dict]:
    """Rasa entity dicts (value = catalog id) from a doc the catalog pipeline processed.
    The types of mentions dropped as negated, handled or in passing go to `held_back`, so
    that the learned detector (issue_detector.py) does not bring them back; so does
    quality_issue in an answer that denies an issue (DENIAL)."""
    handling = set(catalog.handling_words)
    handling_nouns = frozenset(catalog.handling_nouns)
    held_back = set() if held_back is None else held_back
    matches = cues(doc)
    innocent = [(cue.label, cue.id, start, end) for cue, start, end in matches if cue.innocent]

    def in_innocent_sense(span: Span, value: str) -> bool:
        return any(
            (label, id_) == (span.label_, value) and start < span.end and span.start < end
            for label, id_, start, end in innocent
        )

    issue_ents = [ent for ent in doc.ents if ent.label_ == "quality_issue"]
    issue_tokens = frozenset(t.i for ent in issue_ents for t in ent)
    issue_starts = frozenset(
        {ent.start for ent in issue_ents}
        | {start for cue, start, _ in matches if cue.label == "quality_issue" and not cue.innocent}
    )
    if denies_an_issue(doc):
        held_back.add("quality_issue")
    found = []
    for ent in doc.ents:
        value = ent.ent_id_ or ent.text
        if ent.label_ == "data_type" and (
            modifies_a_data_type(ent)
            or not names_the_data(ent, catalog.data_type_context, issue_tokens, issue_starts)
        ):
            held_back.add(ent.label_)
            continue
        no_issue = ent.label_ == "quality_issue" and (
            negated(ent) or handled(ent, handling, handling_nouns) or predicted(ent, catalog)
        )
        if no_issue or in_innocent_sense(ent, value):
            held_back.add(ent.label_)
            continue
        found.append((ent, value))
    named = {(ent.label_, value) for ent, value in found}
    for cue, start, end in matches:
        if cue.innocent:
            continue
        span = Span(doc, start, end, label=cue.label)
        no_issue = cue.label == "quality_issue" and (
            negated(span) or handled(span, handling, handling_nouns) or predicted(span, catalog)
        )
        dropped = no_issue or in_innocent_sense(span, cue.id)
        if dropped:
            held_back.add(cue.label)
        if (cue.label, cue.id) not in named and not dropped:
            named.add((cue.label, cue.id))
            found.append((span, cue.id))
    subjects = [(span, value) for span, value in found if issue_subject(span, value, found, catalog)]
    held_back.update(span.label_ for span, _ in subjects)
    found = [pair for pair in found if pair not in subjects]
    found.sort(key=lambda pair: pair[0].start)
    return [
        {
            "entity": span.label_,
            "value": value,
            "start": span.start_char,
            "end": span.end_char,
            "confidence": None,
        }
        for span, value in found
    ]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class CatalogEntityExtractor(SpacyEntityExtractor):
    _cues: CueMatcher | None = None

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        catalog = load_catalog()
        if self._cues is None:  # compiled once, with the loaded pipeline's lemmatizer
            self._cues = cue_matcher(model.model, catalog)
        for message in messages:
            text = message.get(TEXT) or ""
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None or len(doc.text) != len(text):
                doc = model.model(lower_keeping_offsets(text))
            held_back: set[str] = set()
            extracted = self.filter_irrelevant_entities(
                self.add_extractor_name(catalog_entities(doc, catalog, self._cues, held_back)),
                self._config["dimensions"],
            )
            message.set(HELD_BACK, sorted(held_back))
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
