"""`make soak`: N simulated trainees at a human pace against the production topology.

Starts the topology (bot_gateway/runner.py: the gateway on PostgreSQL, two Rasa servers on a
shared PostgreSQL tracker store and a Redis lock store, two action servers) with the Telegram
emulator (telegram-test-api), then runs TRAINEES trainees for DURATION seconds: most over the
web chat's WebSocket, a share over Telegram. Each reads the customer's line and answers after
5–15 s (uniform), like a person typing; a conversation that ends is followed by a new one.

Reports and writes soak-results.json:
- sent: replies the trainees sent; stored_gateway: trainee turns answered in the gateway's
  database; stored_tracker: the trainees' messages in Rasa's tracker store (commands such as
  /start_practice left out). All three must be equal.
- p50/p95 turn latency from the gateway's Prometheus histogram (counterpart_turn_seconds),
  cross-checked with the latency the simulated clients measured (which adds the gateway's own
  work and the socket or the Telegram emulator's polling on top).
- errors: replies that got an error or no answer, plus turns the gateway counted unavailable.
- each process's resident memory at the start and the end (and the stated growth bound).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))  # run as a script from the project folder

from benchmarks.bench import REPLIES, cpu_seconds, percentile  # noqa: E402
from bot_gateway.runner import Topology, topology  # noqa: E402
from tests.integration.telegram_emulator import TELEGRAM_TOKEN, EmulatedChat, start_emulator  # noqa: E402

#: a process may grow by this much between the start and the end of a soak (MB of resident
#: memory): Rasa's tracker cache keeps up to 500 conversations, the gateway its sessions
MEMORY_GROWTH_BOUND_MB = 250
ANSWER_TIMEOUT = 60.0


class Stats:
    def __init__(self) -> None:
        self.sent = 0
        self.answered = 0
        self.latencies: dict[str, list[float]] = {"web": [], "telegram": []}
        self.errors: list[str] = []
        self.sessions = 0
        self.refused_after_end = 0


def pause(rng: random.Random, low: float, high: float) -> float:
    return rng.uniform(low, high)


# ---------------------------------------------------------------------------------- web chat


async def web_trainee(
    n: int,
    base: str,
    personas: list[dict[str, Any]],
    args: argparse.Namespace,
    stats: Stats,
    deadline: float,
) -> None:
    rng = random.Random(args.seed * 100_003 + n)
    await asyncio.sleep(rng.uniform(0, args.max_think))  # trainees arrive over the first minute
    # a new connection per call, as a browser after minutes of typing: a kept-alive connection
    # that the server closes after 5 idle seconds made some calls fail with ReadError
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=ANSWER_TIMEOUT, limits=limits) as http:
        (await http.post("/api/signin", json={"name": f"soak web {n}"})).raise_for_status()
        round_ = 0
        while time.monotonic() < deadline:
            persona = personas[(n + round_) % len(personas)]
            round_ += 1
            started = await http.post("/api/sessions", json={"persona_id": persona["id"]})
            if started.status_code != 200:
                stats.errors.append(f"web {n}: start {started.status_code} {started.text[:80]}")
                await asyncio.sleep(pause(rng, args.min_think, args.max_think))
                continue
            stats.sessions += 1
            session_id = started.json()["session_id"]
            replies = REPLIES[persona["language"]]
            cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
            url = base.replace("http", "ws", 1) + f"/ws/sessions/{session_id}"
            # no client pings (a browser sends none), the server's pings are answered
            headers = {"Cookie": cookie}
            async with websockets.connect(
                url, additional_headers=headers, ping_interval=None
            ) as socket:
                for turn in range(10_000):
                    await asyncio.sleep(pause(rng, args.min_think, args.max_think))
                    if time.monotonic() >= deadline:
                        return
                    text = replies[(turn + n) % len(replies)]
                    began = time.perf_counter()
                    stats.sent += 1
                    await socket.send(json.dumps({"type": "reply", "text": text}))
                    try:
                        message = await asyncio.wait_for(_turn(socket), ANSWER_TIMEOUT)
                    except (TimeoutError, websockets.ConnectionClosed) as exc:
                        stats.errors.append(f"web {n}: no answer ({exc!r})")
                        break
                    if message["type"] == "error":
                        stats.errors.append(f"web {n}: {message}")
                        continue
                    stats.answered += 1
                    stats.latencies["web"].append((time.perf_counter() - began) * 1000)
                    if message.get("ended"):
                        break


async def _turn(socket: Any) -> dict[str, Any]:
    while True:
        message = json.loads(await socket.recv())
        if message["type"] in {"turn", "error"}:
            return message


# ---------------------------------------------------------------------------------- Telegram


class TelegramChat:
    """One trainee's private chat in the emulator (its client API, as the Telegram e2e test)."""

    def __init__(self, http: httpx.AsyncClient, user_id: int) -> None:
        self.http = http
        self.emulated = EmulatedChat(user_id, f"Soak{user_id}")

    async def command(self, text: str) -> None:
        (await self.http.post("/sendCommand", json=self.emulated.command(text))).raise_for_status()

    async def say(self, text: str) -> None:
        body = self.emulated.message(text=text)
        (await self.http.post("/sendMessage", json=body)).raise_for_status()

    async def press(self, picker: dict[str, Any], data: str) -> None:
        body = self.emulated.press(picker, data)
        (await self.http.post("/sendCallback", json=body)).raise_for_status()

    async def new(self) -> list[dict[str, Any]]:
        response = await self.http.post("/getUpdates", json=self.emulated.updates())
        response.raise_for_status()
        return response.json()["result"]

    async def wait(self, matches: Any, timeout: float = ANSWER_TIMEOUT) -> dict[str, Any] | None:
        """Poll the emulator: every 0.2 s for 2 s, then every 0.5 s (50 trainees polling at
        10 Hz through a slow turn swamped the emulator and the soak's own event loop)."""
        began = time.monotonic()
        while time.monotonic() < began + timeout:
            for entry in await self.new():
                if matches(entry):
                    return entry
            await asyncio.sleep(0.2 if time.monotonic() - began < 2 else 0.5)
        return None


def text_of(entry: dict[str, Any]) -> str:
    return str(entry["message"].get("text") or "")


def is_customer_line(entry: dict[str, Any]) -> bool:
    text = text_of(entry)
    return bool(text) and not text.startswith(("💡", "📋", "Starting", "Mood"))


async def telegram_trainee(
    n: int,
    api: str,
    personas: list[dict[str, Any]],
    args: argparse.Namespace,
    stats: Stats,
    deadline: float,
) -> None:
    rng = random.Random(args.seed * 200_003 + n)
    await asyncio.sleep(rng.uniform(0, args.max_think))
    english = [p for p in personas if p["language"] == "en"]
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=api, timeout=30, limits=limits) as http:
        chat = TelegramChat(http, 800_000 + n)
        await chat.command("/start")
        if await chat.wait(lambda e: "Hi " in text_of(e)) is None:
            stats.errors.append(f"telegram {n}: no greeting")
            return
        round_ = 0
        while time.monotonic() < deadline:
            persona = english[(n + round_) % len(english)]
            round_ += 1
            await chat.command("/practice")
            picker = await chat.wait(lambda e: bool(e["message"].get("reply_markup")))
            if picker is None:
                stats.errors.append(f"telegram {n}: no persona picker")
                return
            await chat.press(picker, f"mod:{persona['id']}:practice")
            if await chat.wait(is_customer_line) is None:
                stats.errors.append(f"telegram {n}: no opening line")
                return
            stats.sessions += 1
            for turn in range(10_000):
                await asyncio.sleep(pause(rng, args.min_think, args.max_think))
                pending = await chat.new()  # hints and, when it is over, the scorecard
                if any("Scorecard" in text_of(e) for e in pending):
                    break
                if time.monotonic() >= deadline:
                    return
                began = time.perf_counter()
                stats.sent += 1
                await chat.say(REPLIES["en"][(turn + n) % len(REPLIES["en"])])
                answer = await chat.wait(lambda e: is_customer_line(e) or "Scorecard" in text_of(e))
                if answer is None:
                    stats.errors.append(f"telegram {n}: no answer")
                    return
                if text_of(answer).startswith("No practice is running"):
                    # the customer had ended the conversation (its scorecard was still on the
                    # way): the bot says so, and this reply is not a turn of any session
                    stats.sent -= 1
                    stats.refused_after_end += 1
                    break
                if "can't answer right now" in text_of(answer):
                    stats.errors.append(f"telegram {n}: {text_of(answer)[:80]}")
                    continue
                stats.answered += 1
                stats.latencies["telegram"].append((time.perf_counter() - began) * 1000)
                if "Scorecard" in text_of(answer):
                    break


# ---------------------------------------------------------------------------------- the run


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (its process group), MB."""
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) != pid:  # pgrp
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total_kb += int(match.group(1)) if match else 0
    return round(total_kb / 1024, 1)


def cpu(stack: Topology) -> dict[str, float]:
    return {s.name: cpu_seconds(s.process.pid) for s in stack.services if s.process}


def memory(stack: Topology) -> dict[str, float]:
    return {s.name: rss_mb(s.process.pid) for s in stack.services if s.process}


def histogram(text: str, name: str, **labels: str) -> dict[float, float]:
    """Cumulative bucket counts {le: count} of one histogram's samples matching `labels`."""
    buckets: dict[float, float] = {}
    for line in text.splitlines():
        match = re.match(rf"^{name}_bucket\{{(.*)\}} (\S+)$", line)
        if not match:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
        if all(found.get(k) == v for k, v in labels.items()):
            le = float("inf") if found["le"] == "+Inf" else float(found["le"])
            buckets[le] = buckets.get(le, 0.0) + float(match.group(2))
    return buckets


def counter(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if match:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
            if all(found.get(k) == v for k, v in labels.items()):
                total += float(match.group(2))
    return total


def quantile_ms(before: dict[float, float], after: dict[float, float], q: float) -> float | None:
    """The q-quantile of the observations between two scrapes (Prometheus' histogram_quantile:
    linear inside the bucket), in ms."""
    edges = sorted(after)
    counts = [after[le] - before.get(le, 0.0) for le in edges]
    if not counts or counts[-1] <= 0:
        return None
    rank = q * counts[-1]
    lower_edge, lower_count = 0.0, 0.0
    for edge, count in zip(edges, counts, strict=True):
        if count >= rank:
            if edge == float("inf"):
                return round(lower_edge * 1000, 1)
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 1.0
            return round((lower_edge + (edge - lower_edge) * share) * 1000, 1)
        lower_edge, lower_count = edge, count
    return None


async def soak(args: argparse.Namespace, stack: Topology, api: str) -> dict[str, Any]:
    base = f"http://127.0.0.1:{stack.settings.web_port}"
    gateway_metrics = stack.metrics_urls()["gateway"]
    async with httpx.AsyncClient(base_url=base) as http:
        personas = (await http.get("/api/personas")).json()
        before = (await http.get(gateway_metrics)).text
    stats = Stats()
    telegram_count = round(args.trainees * args.telegram_share)
    deadline = time.monotonic() + args.duration
    print(
        f"  {args.trainees - telegram_count} web chat + {telegram_count} Telegram trainees "
        f"for {args.duration:.0f} s, a reply every {args.min_think:.0f}–{args.max_think:.0f} s",
        flush=True,
    )
    tasks = [
        web_trainee(n, base, personas, args, stats, deadline)
        for n in range(args.trainees - telegram_count)
    ] + [telegram_trainee(n, api, personas, args, stats, deadline) for n in range(telegram_count)]
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            stats.errors.append(f"trainee crashed: {outcome!r}")
    await asyncio.sleep(2)  # the last hints and scorecards
    async with httpx.AsyncClient(timeout=60) as http:  # a loaded gateway may take a while
        after = (await http.get(gateway_metrics)).text
    hist = "counterpart_turn_seconds"
    h_before = histogram(before, hist, process="gateway", kind="reply")
    h_after = histogram(after, hist, process="gateway", kind="reply")
    unavailable = counter(after, "counterpart_turns_total", outcome="unavailable") - counter(
        before, "counterpart_turns_total", outcome="unavailable"
    )
    client = stats.latencies["web"] + stats.latencies["telegram"]
    return {
        "stats": stats,
        "metrics_p50_ms": quantile_ms(h_before, h_after, 0.50),
        "metrics_p95_ms": quantile_ms(h_before, h_after, 0.95),
        "metrics_turns": (h_after.get(float("inf"), 0) - h_before.get(float("inf"), 0)),
        "gateway_unavailable": unavailable,
        "client_p50_ms": round(statistics.median(client), 1) if client else None,
        "client_p95_ms": round(percentile(client, 95), 1) if client else None,
        "client_p95_ms_web": round(percentile(stats.latencies["web"], 95), 1)
        if stats.latencies["web"]
        else None,
        "client_p95_ms_telegram": round(percentile(stats.latencies["telegram"], 95), 1)
        if stats.latencies["telegram"]
        else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of replies")
    parser.add_argument("--telegram-share", type=float, default=0.25)
    parser.add_argument("--min-think", type=float, default=5.0)
    parser.add_argument("--max-think", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out", type=Path, default=PROJECT / "soak-results.json")
    args = parser.parse_args()

    state = Path(tempfile.mkdtemp(prefix="counterpart-soak-"))
    (state / "log").mkdir(parents=True, exist_ok=True)
    print(f"==> starting the topology and the Telegram emulator (logs in {state / 'log'})")
    emulator, api = start_emulator(state / "log" / "telegram-test-api.log")
    stack = topology(
        state,
        gateway_env={
            "LOG_LEVEL": "WARNING",
            # every simulated web trainee signs in from 127.0.0.1 within the first minute: lift
            # the per-IP sign-in limit (30/minute), as make bench does, or most get 429
            "SIGNIN_RATE_PER_IP": "100000/minute",
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_SERVER": api,
            "TELEGRAM_WEBHOOK_URL": "",
        },
    )
    try:
        stack.start(progress=print, timeout=300)
        memory_start = memory(stack)
        cpu_start = cpu(stack)
        began = time.monotonic()
        run = asyncio.run(soak(args, stack, api))
        elapsed = time.monotonic() - began
        memory_end = memory(stack)
        cpu_end = cpu(stack)
        stored_gateway_by, stored_tracker_by = stack.databases.replies()
    finally:
        stack.stop()
        emulator.terminate()
        emulator.wait(timeout=10)
        stack.databases.drop()

    stats: Stats = run.pop("stats")
    stored_gateway = sum(len(v) for v in stored_gateway_by.values())
    stored_tracker = sum(len(v) for v in stored_tracker_by.values())
    errors = len(stats.errors) + int(run["gateway_unavailable"])
    growth = {name: round(memory_end[name] - memory_start[name], 1) for name in memory_start}
    results = {
        "trainees": args.trainees,
        "duration_s": round(elapsed, 1),
        "telegram_trainees": round(args.trainees * args.telegram_share),
        "sessions": stats.sessions,
        "sent": stats.sent,
        "answered": stats.answered,
        "telegram_replies_after_the_end": stats.refused_after_end,
        "stored_gateway": stored_gateway,
        "stored_tracker": stored_tracker,
        "errors": errors,
        "error_samples": stats.errors[:10],
        "p50_ms": run["metrics_p50_ms"],
        "p95_ms": run["metrics_p95_ms"],
        "latency_source": "gateway counterpart_turn_seconds{kind=reply} (Prometheus histogram)",
        "metrics_turns": run["metrics_turns"],
        "client_p50_ms": run["client_p50_ms"],
        "client_p95_ms": run["client_p95_ms"],
        "client_p95_ms_web": run["client_p95_ms_web"],
        "client_p95_ms_telegram": run["client_p95_ms_telegram"],
        "cpu_ms_per_turn": {
            name: round((cpu_end[name] - cpu_start[name]) * 1000 / max(1, stats.answered), 1)
            for name in cpu_start
        },
        "load_average_1min_end": round(os.getloadavg()[0], 2),
        "memory_mb_start": memory_start,
        "memory_mb_end": memory_end,
        "memory_growth_mb": growth,
        "memory_growth_bound_mb": MEMORY_GROWTH_BOUND_MB,
        "memory_within_bound": all(g <= MEMORY_GROWTH_BOUND_MB for g in growth.values()),
        "sent_equals_stored": stats.sent == stored_gateway == stored_tracker,
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        f"\ntrainees {args.trainees} ({results['telegram_trainees']} on Telegram), "
        f"{results['duration_s']} s, {stats.sessions} sessions"
    )
    print(
        f"replies: sent {stats.sent}, stored in the gateway DB {stored_gateway}, "
        f"in the tracker store {stored_tracker}, errors {errors}"
    )
    print(
        f"latency (gateway metrics): p50 {results['p50_ms']} ms, p95 {results['p95_ms']} ms; "
        f"clients: p50 {results['client_p50_ms']} ms, p95 {results['client_p95_ms']} ms "
        f"(web {results['client_p95_ms_web']}, Telegram {results['client_p95_ms_telegram']})"
    )
    print(
        "memory MB start -> end: "
        + ", ".join(f"{name} {memory_start[name]} -> {memory_end[name]}" for name in memory_start)
        + f" (bound: +{MEMORY_GROWTH_BOUND_MB} MB each)"
    )
    for sample in stats.errors[:10]:
        print(f"  error: {sample}")
    print(f"written: {args.out}")
    ok = results["sent_equals_stored"] and errors == 0 and results["memory_within_bound"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
