"""Keep the tracker Rasa works on short, however long the interview gets.

Rasa re-reads and re-featurizes a conversation's whole history on every turn: the SQL
tracker store decodes every stored event, and each policy prediction walks
`DialogueStateTracker.applied_events()` (whose form-loop bookkeeping rescans the history for
every form execution) and `past_states()`. An interview is one long form with 80–300 turns,
so reply time grows with every answer.

What the policies actually look at is small: the slots, the active loop, and the last few
dialogue turns (MemoizationPolicy's max_history, the length of the longest rule). So the
tracker store hands Rasa a *window*: a compact prefix that reproduces the state at a turn
boundary, followed by the real events after it. The prefix is made of the events Rasa itself
would apply (`applied_events()`), with the bot messages dropped and each run of slot events
between two actions folded into one event per slot — the dialogue states Rasa derives from
the window are those it derives from the full history (tests/bot/test_tracker_window.py
checks this on every turn of long conversations).

The full event log in SQL is never touched: the window is a cache of Rasa's own state.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

#: metadata key marking the prefix events; its value is the last stored event id they stand for
MARK = "window_upto_event_id"
LISTEN = "action_listen"
#: actions kept in the prefix: more than any policy looks back (max_history 4, short rules)
KEEP_ACTIONS = 12


def loop_names(events: Sequence[Event]) -> set[str]:
    return {e.name for e in events if isinstance(e, ActiveLoop) and e.name}


def compact(events: Sequence[Event], slots: Sequence[Slot], keep_actions: int = KEEP_ACTIONS) -> list[Event]:
    """The applied events of `events` without bot messages, slot runs folded per slot, and
    only the last `keep_actions` actions: what came before them is replaced by the state it
    left (loop names seen, slot values, the active loop)."""
    applied = DialogueStateTracker.from_events("window", list(events), slots).applied_events()
    index, head = _cut(applied, slots, keep_actions)
    compacted: list[Event] = _state_of(head, applied[:index]) if head else []
    pending: dict[str, SlotSet] = {}
    for event in applied[index:]:
        if isinstance(event, SlotSet):
            pending.pop(event.key, None)  # keep the order of the last settings
            pending[event.key] = event
            continue
        if isinstance(event, BotUttered):
            continue
        if isinstance(event, ActionExecuted):
            compacted.extend(pending.values())
            pending.clear()
        compacted.append(event)
    compacted.extend(pending.values())
    return compacted


def _cut(
    applied: list[Event], slots: Sequence[Slot], keep_actions: int
) -> tuple[int, DialogueStateTracker | None]:
    """Where to cut (before the `keep_actions`-th last action) and the tracker of what comes
    before; (0, None) when there is less than that, or when the loop there is interrupted or
    rejected (a state a few plain events cannot recreate)."""
    actions = [i for i, e in enumerate(applied) if isinstance(e, ActionExecuted)]
    index = actions[-keep_actions] if len(actions) >= keep_actions else 0
    if not index:
        return 0, None
    head = DialogueStateTracker.from_events("head", applied[:index], slots)
    loop = head.active_loop
    if loop is not None and (loop.is_interrupted or loop.rejected):
        return 0, None
    return index, head


def _state_of(head: DialogueStateTracker, events: list[Event]) -> list[Event]:
    """Events recreating what `events` (replayed in `head`) left: loop names, slots, loop."""
    state: list[Event] = []
    for name in sorted(loop_names(events)):
        state += [ActiveLoop(name), ActiveLoop(None)]
    initial = {name: slot.initial_value for name, slot in head.slots.items()}
    for key, value in head.current_slot_values().items():
        if value != initial.get(key):
            state.append(SlotSet(key, value))
    if head.active_loop_name:
        state.append(ActiveLoop(head.active_loop_name))
    return state


def marked(events: Sequence[Event], upto_event_id: int) -> list[dict]:
    """Serialised prefix events, each marked with the stored event id it stands for."""
    serialised = []
    for event in events:
        data = event.as_dict()
        data["metadata"] = {**(data.get("metadata") or {}), MARK: upto_event_id}
        serialised.append(data)
    return serialised


def prefix_length(events: Sequence[Event]) -> tuple[int, int | None]:
    """(number of leading prefix events, the stored event id they stand for) of a tracker."""
    upto = None
    count = 0
    for event in events:
        mark = (event.metadata or {}).get(MARK)
        if mark is None:
            break
        upto = mark
        count += 1
    return count, upto


def cut_point(events: Sequence[Event], start: int, keep: int) -> int | None:
    """Index of the latest turn start (action_listen then a user message) at or after
    `start` that leaves at least `keep` events after it; None when there is none."""
    for index in range(len(events) - keep, start - 1, -1):
        if index + 1 >= len(events):
            continue
        event = events[index]
        if (
            isinstance(event, ActionExecuted)
            and event.action_name == LISTEN
            and isinstance(events[index + 1], UserUttered)
        ):
            return index
    return None


def window(
    events: Sequence[Event], slots: Sequence[Slot], start: int, keep: int
) -> tuple[int, list[Event]] | None:
    """Where to cut `events` and the compact prefix replacing everything before the cut.

    `start` is the first position that may be cut (after an existing prefix). None when no
    cut is possible, or when the window would not reproduce the tracker's state (then the
    history is kept whole: slower, never wrong).
    """
    index = cut_point(events, start, keep)
    if index is None:
        return None
    prefix = compact(events[:index], slots)
    if not prefix:
        return None
    full = DialogueStateTracker.from_events("full", list(events), slots)
    short = DialogueStateTracker.from_events("window", [*prefix, *events[index:]], slots)
    if not _same_state(full, short):
        return None
    return index, prefix


def _same_state(a: DialogueStateTracker, b: DialogueStateTracker) -> bool:
    return (
        a.current_slot_values() == b.current_slot_values()
        and a.active_loop_name == b.active_loop_name
        and a.latest_action_name == b.latest_action_name
        and a.latest_message == b.latest_message
        and loop_names(a.events) == loop_names(b.events)
    )
