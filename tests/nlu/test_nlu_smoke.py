"""A fast smoke check of the trained NLU (make eval has the full figures).

Loads the trained model once and parses a few dozen of our own phrases: the intents the
interview's flow depends on, the canonical entity values, and no quality issue found in
digressions, greetings or answers that only say how something is handled.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.local_servers import MODEL

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")


@pytest.fixture(scope="module")
def parse():
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return lambda text: asyncio.run(agent.parse_message(text))


@pytest.mark.parametrize(
    "text,intent",
    [
        ("yes", "affirm"),
        ("yes, we monitor accuracy weekly", "affirm"),
        ("nope", "deny"),
        ("no, we never checked that", "deny"),
        ("I don't know", "dont_know"),
        ("skip", "skip_question"),
        ("can you repeat the question?", "repeat_question"),
        ("what do you mean by robustness?", "clarify_question"),
        ("let's continue later", "pause_interview"),
        ("I want to stop the interview", "stop_interview"),
        ("please delete my data", "delete_my_data"),
        ("are you a bot?", "bot_challenge"),
        ("we mostly use xgboost and pytorch", "inform"),
    ],
)
def test_flow_intents(parse, text, intent):
    assert parse(text)["intent"]["name"] == intent


@pytest.mark.parametrize(
    "text,entity,value",
    [
        ("lots of missing values in the sensor data", "quality_issue", "missing_values"),
        ("the labels from our annotators were often wrong", "quality_issue", "noisy_labels"),
        ("Concept Drift hit us after covid", "quality_issue", "drift"),
        ("nobody can explain why the model decides what it decides", "quality_issue", "explainability"),
        ("we download datasets from kaggle", "data_source", "public_dataset"),
        ("we scrape product pages from a few websites", "data_source", "web_scraping"),
        ("mostly tabular data from our CRM", "data_type", "tabular"),
        ("the accuracy slowly degrades as the seasons change", "quality_issue", "drift"),
        ("nobody on the team knows which model version is deployed", "quality_issue", "artifact_management"),
    ],
)
def test_catalog_entities(parse, text, entity, value):
    found = {(e["entity"], e["value"]) for e in parse(text)["entities"]}
    assert (entity, value) in found


@pytest.mark.parametrize(
    "text",
    [
        "hi there",
        "thanks!",
        "what do you mean?",
        "can we skip this one",
        "let's continue later",
        "we retrain every month",
        "we use great expectations to validate the data",
        "a senior data scientist at a bank",
        "pytorch and scikit-learn",
        "we impute the missing values with the median",
        "we never had any fairness issues",
        "nothing special to add there",
        "nothing else, I think that covers it",
        "we monitor the accuracy on a dashboard",
        "we oversample the minority class",
        "we use shap to explain the predictions to the business",
        "a second annotator reviews every batch of labels",
        "we version everything with dvc and mlflow",
        "we check for drift every week with a statistical test",
    ],
)
def test_no_followup_for_neutral_messages(parse, text):
    assert not [e for e in parse(text)["entities"] if e["entity"] == "quality_issue"]
