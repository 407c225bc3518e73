"""`make bench`: reply times over one long interview, throughput of 20 at once, memory.

For each database (SQLite file; a throwaway PostgreSQL server from Debian's packages) it
starts both servers on loopback and:
- drives ONE conversation of 300 turns over REST: the whole guide (every yes-branch,
  follow-ups), with the repeats, small talk and unclear yes/no replies real participants
  send between answers; reports the median reply time of turns 1–20 and 281–300 and their
  ratio (the issue's goal: at most 1.5);
- runs 20 interviews at once (20 threads, 30 turns each) and reports messages per second;
- reports the resident memory of both servers.
`--window 0` turns the tracker window off (bot/tracker_window.py), for an A/B run.
A benchmark, not a test: it asserts nothing and writes var/bench/reply_times.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bot.guide import load_guide
from bot.local_servers import MODEL, ROOT, start_servers, stop_servers
from bot.postgres_server import PostgresServer

ANSWERS = {
    "background.implementers": "we have an in-house team of four data scientists",
    "general.main_issues": "missing values in the sensor readings and some drift",
    "data_collection.how": "annotators label some of it, the rest comes from our logs and from kaggle",
    "data_preparation.time_split": "roughly 70/30",
    "model_evaluation.time_split": "about 50/50",
    "deployment.problem": "it was overfitting to the lab data",
    "quality.scalability_kind": "inference became too slow when requests grew",
}
#: what participants send between answers: digressions (repeat, clarify) and small talk
FILLERS = ["can you repeat the question?", "thanks", "what do you mean by that?"]
TURNS = 300
CONCURRENT = 20
CONCURRENT_TURNS = 30


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def long_conversation(servers, turns: int = TURNS) -> list[float]:
    """Reply times (ms) of one conversation of `turns` messages."""
    guide = load_guide()
    chat = servers.chat("bench-long")
    times: list[float] = []

    def timed(text: str) -> None:
        t0 = time.perf_counter()
        chat.say(text)
        times.append((time.perf_counter() - t0) * 1000)

    timed("hello")
    timed("/affirm")
    questions = 0
    while len(times) < turns:
        qid = chat.open_question()
        if qid == "conclusion.thanks":
            timed("thanks")  # the interview is over; the conversation goes on
            continue
        question = guide.questions.get(qid)
        # three fillers per question: turn 300 is still inside the guide (~80 questions)
        for filler in FILLERS:
            if len(times) < turns - 1:
                timed(filler)
        if qid in ANSWERS:
            timed(ANSWERS[qid])
        elif question is not None and question.kind == "yes_no":
            timed("/affirm")
        else:
            timed("we look into it during our weekly review of the models")
        questions += 1
    long_conversation.open_question = chat.open_question()
    return times[:turns]


def throughput(servers, conversations: int = CONCURRENT, turns: int = CONCURRENT_TURNS) -> dict:
    """Messages per second with `conversations` participants writing at the same time."""
    errors: list[str] = []

    def participant(n: int) -> None:
        chat = servers.chat(f"bench-crowd-{n}")
        try:
            chat.say("hello")
            chat.say("/affirm")
            for i in range(turns - 2):
                chat.say(FILLERS[i % 3] if i % 2 else f"participant {n} answer {i}")
        except Exception as error:  # reported, not raised: a benchmark
            errors.append(repr(error))

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(conversations)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    elapsed = time.perf_counter() - t0
    return {
        "conversations": conversations,
        "messages": conversations * turns,
        "seconds": round(elapsed, 1),
        "messages_per_s": round(conversations * turns / elapsed, 1),
        "errors": errors[:5],
    }


def run(database_url: str, label: str, window: int | None) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    env = {} if window is None else {"TRACKER_WINDOW_EVENTS": str(window)}
    started = time.perf_counter()
    servers = start_servers(workdir, database_url, env_extra=env)
    startup = time.perf_counter() - started
    try:
        times = long_conversation(servers)
        first, last = statistics.median(times[:20]), statistics.median(times[-20:])
        result = {
            "database": label,
            "tracker_window_events": window if window is not None else "default",
            "turns": len(times),
            "reply_ms_median": round(statistics.median(times), 1),
            "reply_ms_p95": round(percentile(times, 0.95), 1),
            "reply_ms_turns_1_20_median": round(first, 1),
            "reply_ms_turns_281_300_median": round(last, 1),
            "ratio_last_to_first": round(last / first, 2),
            "open_question_after_turn_300": long_conversation.open_question,
            "concurrent": throughput(servers),
            "rasa_server_rss_mib": round(rss_mib(servers.procs["rasa"].pid), 1),
            "action_server_rss_mib": round(rss_mib(servers.procs["actions"].pid), 1),
            "startup_s": round(startup, 1),
            "model_mib": round(MODEL.stat().st_size / 2**20, 2),
        }
    finally:
        stop_servers(servers)
    print(json.dumps(result, indent=2), flush=True)
    return result


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--window", type=int, default=None, help="TRACKER_WINDOW_EVENTS (0: off)")
    args = parser.parse_args(argv)
    results = []
    if args.database in ("sqlite", "both"):
        workdir = Path(tempfile.mkdtemp(prefix="bench-db-"))
        results.append(run(f"sqlite:///{workdir / 'bench.db'}", "sqlite", args.window))
    if args.database in ("postgresql", "both"):
        with PostgresServer() as postgres:
            results.append(run(postgres.create_database("bench"), "postgresql", args.window))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reply_times.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
