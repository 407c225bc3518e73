"""`make bench`: reply times over one full interview over REST, and the servers' memory.

Starts both servers on loopback with a fresh SQLite database, drives a complete interview
(every yes-branch, several follow-ups), and reports the median and 95th percentile reply
time and the resident memory of the rasa server and the action server afterwards.
A benchmark, not a test: it asserts nothing and writes var/bench/reply_times.json.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from bot.guide import load_guide
from bot.local_servers import MODEL, ROOT, start_servers, stop_servers

ANSWERS = {
    "background.implementers": "we have an in-house team of four data scientists",
    "general.main_issues": "missing values in the sensor readings and some drift",
    "data_collection.how": "annotators label some of it, the rest comes from our logs and from kaggle",
    "data_preparation.time_split": "roughly 70/30",
    "model_evaluation.time_split": "about 50/50",
    "deployment.problem": "it was overfitting to the lab data",
    "quality.scalability_kind": "inference became too slow when requests grew",
}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> dict:
    guide = load_guide()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    started = time.perf_counter()
    servers = start_servers(workdir, f"sqlite:///{workdir / 'bench.db'}")
    startup = time.perf_counter() - started
    try:
        chat = servers.chat("bench-participant")
        times = []

        def timed(text: str) -> None:
            t0 = time.perf_counter()
            chat.say(text)
            times.append((time.perf_counter() - t0) * 1000)

        timed("hello")
        timed("/affirm")
        for _ in range(200):
            qid = chat.open_question()
            if qid == "conclusion.thanks":
                break
            question = guide.questions.get(qid)
            if qid in ANSWERS:
                timed(ANSWERS[qid])
            elif question is not None and question.kind == "yes_no":
                timed("/affirm")
            else:
                timed("we look into it during our weekly review of the models")
        result = {
            "turns": len(times),
            "reply_ms_median": round(statistics.median(times), 1),
            "reply_ms_p95": round(percentile(times, 0.95), 1),
            "reply_ms_first_20_median": round(statistics.median(times[:20]), 1),
            "reply_ms_last_20_median": round(statistics.median(times[-20:]), 1),
            "rasa_server_rss_mib": round(rss_mib(servers.procs["rasa"].pid), 1),
            "action_server_rss_mib": round(rss_mib(servers.procs["actions"].pid), 1),
            "startup_s": round(startup, 1),
            "model_mib": round(MODEL.stat().st_size / 2**20, 2),
        }
    finally:
        stop_servers(servers)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reply_times.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
