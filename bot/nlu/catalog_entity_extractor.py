"""Rasa's SpacyEntityExtractor, giving the catalog's canonical ids as entity values.

The EntityRuler labels a match with its entity type (quality_issue, data_source,
data_type) and its pattern id with the catalog id; Rasa's extractor only knows the matched
text. This subclass lowercases the text first (the lookup lemmatizer is case-sensitive),
keeping character offsets, and reports `value` = catalog id.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


def lower_keeping_offsets(text: str) -> str:
    """Lowercase character by character, leaving alone the few that change length."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class CatalogEntityExtractor(SpacyEntityExtractor):
    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            doc = model.model(lower_keeping_offsets(text))
            found = [
                {
                    "entity": ent.label_,
                    "value": ent.ent_id_ or ent.text,
                    "start": ent.start_char,
                    "end": ent.end_char,
                    "confidence": None,
                }
                for ent in doc.ents
            ]
            extracted = self.filter_irrelevant_entities(
                self.add_extractor_name(found), self._config["dimensions"]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
