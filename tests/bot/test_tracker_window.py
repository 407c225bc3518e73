"""The window the tracker store hands Rasa yields the dialogue states of the full history.

Checked on the trackers of the project's own test stories (every path of the guide, with
digressions, pauses and follow-ups), moving the window as the store does: at the end of a
turn, from the previous window, never from the full history.
"""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot import tracker_window
from bot.settings import PROJECT_ROOT

KEEP = 12  # a small window, so that it moves often
STATES_COMPARED = 10  # more than max_history and the longest rule


@pytest.fixture(scope="module")
def stories():
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / "tests" / "e2e")],
    )
    domain = importer.get_domain()
    generator = TrainingDataGenerator(
        importer.get_stories(),
        domain,
        remove_duplicates=False,
        unique_last_num_states=None,
        augmentation_factor=0,
        tracker_limit=None,
        use_story_concatenation=False,
    )
    return domain, generator.generate_story_trackers()


def _turn_ends(events) -> list[int]:
    return [
        i
        for i, e in enumerate(events)
        if i and isinstance(e, ActionExecuted) and e.action_name == tracker_window.LISTEN
    ]


def test_window_reproduces_states_slots_and_loop_on_every_turn(stories):
    domain, trackers = stories
    compared = moved = 0
    for story in trackers:
        full_events = list(story.events)
        prefix: list = []
        cut = 0  # window = prefix + full_events[cut:]
        for end in _turn_ends(full_events):
            full = DialogueStateTracker.from_events("full", full_events[: end + 1], domain.slots)
            window_events = [*prefix, *full_events[cut : end + 1]]
            short = DialogueStateTracker.from_events("short", window_events, domain.slots)
            for options in ({}, {"ignore_rule_only_turns": True}):
                assert (
                    full.past_states(domain, **options)[-STATES_COMPARED:]
                    == short.past_states(domain, **options)[-STATES_COMPARED:]
                ), f"{story.sender_id} at event {end}"
            assert full.current_slot_values() == short.current_slot_values()
            assert full.active_loop_name == short.active_loop_name
            assert full.latest_message == short.latest_message
            compared += 1
            moved_window = tracker_window.window(window_events, domain.slots, len(prefix) + 1, KEEP)
            if moved_window:
                index, new_prefix = moved_window
                assert len(new_prefix) <= 60, "the prefix must stay small however long the story"
                cut += index - len(prefix)  # the window event at `index` in the full history
                prefix = new_prefix
                moved += 1
    assert compared > 500 and moved > 50


def test_prefix_drops_bot_messages_and_folds_slot_runs():
    events = [
        ActionExecuted("action_listen"),
        SlotSet("current_question", "a"),
        BotUttered("question a"),
        SlotSet("current_question", "b"),
        SlotSet("facts", {"a": 1}),
        ActionExecuted("action_listen"),
    ]
    compacted = tracker_window.compact(events, [])
    assert [type(e).__name__ for e in compacted] == ["ActionExecuted", "SlotSet", "SlotSet", "ActionExecuted"]
    assert [(e.key, e.value) for e in compacted if isinstance(e, SlotSet)] == [
        ("current_question", "b"),
        ("facts", {"a": 1}),
    ]


def test_prefix_events_are_marked_and_counted():
    events = [ActionExecuted("action_listen"), SlotSet("facts", {})]
    marked = tracker_window.marked(events, 41)
    tracker = DialogueStateTracker.from_dict("x", [*marked, ActionExecuted("action_listen").as_dict()], [])
    assert tracker_window.prefix_length(list(tracker.events)) == (2, 41)
    assert tracker_window.prefix_length([ActionExecuted("action_listen")]) == (0, None)
