"""bench/load.py's figures: what the answers add up to, which invariants held, the table.

Latency is each submission's POST as its client timed it (connect to last byte), against
the bare endpoint's POSTs sent over the same time; "steady" leaves out the requests that
overlapped the pause (they wait for Firestore, as they should), "whole run" keeps them.
A helper, not a benchmark.
"""

from __future__ import annotations

from collections import Counter

# What must be zero for the run to pass, by the path to it in the result.
MUST_BE_ZERO = (
    ("lost",), ("duplicated",), ("wrong_reference",), ("cases_nobody_sent",),
    ("answers", "5xx_not_503"), ("answers", "without_retry_after"), ("answers", "no_answer"),
    ("answers", "4xx_unexpected"), ("server", "unexpected_errors"),
    ("registrations", "lost"), ("registrations", "duplicated"), ("registrations", "overbooked"),
    ("mail", "owed_twice"), ("mail", "cases_without_acknowledgement"),
    ("mail", "cases_without_alert"), ("mail", "registrations_without_confirmation"),
    ("mail", "sent_not_received"), ("mail", "received_twice"),
    ("mail", "received_not_in_outbox"), ("mail", "unsent"),
)  # fmt: skip


def percentile(samples: list[float], share: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _latency(answers, fault: tuple[float, float]) -> dict:
    def overlaps(a) -> bool:
        return a.began < fault[1] and a.began + a.seconds > fault[0]

    timed = [a for a in answers if a.status]
    figures = {}
    for name, chosen in (("steady", [a for a in timed if not overlaps(a)]), ("whole", timed)):
        ms = [a.seconds * 1000 for a in chosen]
        p50, p99 = percentile(ms, 0.5), percentile(ms, 0.99)
        figures[name] = {"n": len(ms), "p50_ms": p50 and round(p50, 1),
                         "p99_ms": p99 and round(p99, 1)}  # fmt: skip
    return figures


def _by_minute(answers, began: float) -> list[dict]:
    """p50 and p99 of the answers sent in each minute of the run (where the tail comes from:
    the pause, the catch-up after it, or all along)."""
    minutes: dict[int, list[float]] = {}
    for a in answers:
        if a.status:
            minutes.setdefault(int((a.began - began) // 60), []).append(a.seconds * 1000)
    return [
        {"minute": m, "n": len(ms), "p50_ms": round(percentile(ms, 0.5), 1),
         "p99_ms": round(percentile(ms, 0.99), 1)}
        for m, ms in sorted(minutes.items())
    ]  # fmt: skip


def summary(traffic, checks: dict, rate: int, seconds: int, pause: int) -> dict:
    deliveries = traffic.submissions + traffic.registrations
    answers = [a for d in deliveries for a in d.answers]
    statuses = Counter(a.status for a in answers)
    submits = [a for a in answers if a.step == "submit"]
    refused = [a for a in answers if a.status in (429, 503)]
    counted = {
        "requests": len(answers), "submit_posts": len(submits),
        "page_gets": len(answers) - len(submits),
        "2xx_or_303": sum(n for s, n in statuses.items() if 200 <= s < 300 or s == 303),
        "4xx": sum(n for s, n in statuses.items() if 400 <= s < 500 and s != 429),
        "429": statuses[429], "503": statuses[503],
        "5xx_not_503": sum(n for s, n in statuses.items() if s >= 500 and s != 503),
        "4xx_unexpected": sum(n for s, n in statuses.items() if 400 <= s < 500 and s != 429),
        "without_retry_after": sum(not a.retry_after for a in refused),
        "no_answer": statuses[0], "by_status": {str(s): n for s, n in sorted(statuses.items())},
        "by_channel": {channel: dict(Counter(f"{a.step} {a.status}" for a in answers
                                             if a.channel == channel))
                       for channel in ("web_form", "api", "google_form", "forum")},
    }  # fmt: skip
    took = traffic.ended - traffic.began
    ours = [a for d in traffic.submissions for a in d.answers if a.step == "submit"]
    latency = {"submissions": _latency(ours, traffic.fault),
               "baseline": _latency(traffic.baseline, traffic.fault)}  # fmt: skip
    for channel in ("web_form", "api", "google_form", "forum"):
        mine = [a for d in deliveries if d.channel == channel for a in d.answers
                if a.step == "submit"]  # fmt: skip
        latency[channel] = _latency(mine, traffic.fault)
    latency["by_minute"] = {"submissions": _by_minute(ours, traffic.began),
                            "baseline": _by_minute(traffic.baseline, traffic.began)}  # fmt: skip
    ratios = {}
    for name in ("steady", "whole"):
        ours_, bare = latency["submissions"][name], latency["baseline"][name]
        for p in ("p50_ms", "p99_ms"):
            if ours_[p] and bare[p]:
                ratios[f"{name}_{p[:3]}"] = round(ours_[p] / bare[p], 2)
    return {
        "rate": rate, "seconds": seconds, "pause": pause,
        "submissions": len(traffic.submissions), "duplicates_sent": traffic.duplicates_sent,
        "submissions_answered": sum(bool(d.succeeded) for d in traffic.submissions),
        "fault_seconds": round(traffic.fault[1] - traffic.fault[0], 1),
        "fault_began_s": round(traffic.fault[0] - traffic.began, 1),
        "traffic_seconds": round(took, 1),
        "throughput_per_s": round(sum(d.succeeded for d in deliveries) / took, 1),
        "requests_per_s": round(len(answers) / took, 1),
        "answers": counted, "latency": latency, "latency_ratio": ratios,
        "baseline_failures": sum(not 200 <= a.status < 300 for a in traffic.baseline),
    } | checks  # fmt: skip


def failures(result: dict) -> list[str]:
    """The invariants that failed, as "path=value"."""
    failed = []
    for path in MUST_BE_ZERO:
        value = result
        for key in path:
            value = value.get(key, 0) if isinstance(value, dict) else 0
        if value:
            failed.append(f"{'.'.join(path)}={value}")
    if not result.get("registrations", {}).get("counters_match", True):
        failed.append("registrations.counters_match=False")
    return failed


def _peak(peak) -> str:
    if not isinstance(peak, dict):
        return f"{peak} MiB"
    return f"{peak['worker']} MiB (gunicorn worker; + arbiter {peak['arbiter']} MiB)"


def invariants_hold(result: dict) -> bool:
    return not failures(result)


def report(result: dict) -> None:
    a, r, m = result["answers"], result["registrations"], result["mail"]
    print(f"load with faults: {result['rate']} submissions/s for {result['seconds']} s, "
          f"Firestore paused {result['fault_seconds']} s in the middle (the service's Firestore "
          f"timeout: {result.get('firestore_timeout', 'default')})")  # fmt: skip
    rows = [
        ("submissions",
         f"{result['submissions']} ({result['duplicates_sent']} of them sent twice)"),
        ("  answered 2xx/303", result["submissions_answered"]),
        ("requests (POSTs + page GETs)",
         f"{a['requests']} ({a['submit_posts']} + {a['page_gets']})"),
        ("  2xx/303", a["2xx_or_303"]), ("  4xx (not 429)", a["4xx"]), ("  429", a["429"]),
        ("  503", a["503"]), ("  5xx other than 503", a["5xx_not_503"]),
        ("  503/429 without Retry-After", a["without_retry_after"]),
        ("  no answer (dropped)", a["no_answer"]),
        ("503s by cause (server log)", result["server"]["storage_unavailable"] or "none"),
        ("unexpected errors (server log)", result["server"]["unexpected_errors"]),
        ("cases stored", result["cases"]), ("cases lost", result["lost"]),
        ("cases duplicated", result["duplicated"]),
        ("answers naming another case", result["wrong_reference"]),
        ("stored though refused (503)", result["stored_though_refused"]),
        ("registrations people/answered/stored",
         f"{r['people']}/{r['answered']}/{r['stored']}"),
        ("  places/registered/wait-listed",
         f"{r['capacity']}/{r['registered']}/{r['waitlisted']}"),
        ("  lost/duplicated/overbooked", f"{r['lost']}/{r['duplicated']}/{r['overbooked']}"),
        ("mail in outbox / accepted by SMTP", f"{m['outbox']} / {m['smtp_accepted']}"),
        ("  sent twice / owed twice / unsent", f"{m['received_twice']} / {m['owed_twice']} / "
                                               f"{m['unsent']}"),
        ("  sent not received / cases without ack",
         f"{m['sent_not_received']} / {m['cases_without_acknowledgement']}"),
        ("throughput (answered/s, requests/s)",
         f"{result['throughput_per_s']}, {result['requests_per_s']}"),
        ("peak RSS of the serving process", _peak(result["peak_rss_mib"])),
        ("load average (1 min) at the end", result.get("load_average_1min")),
        ("drain (s, sweeps, requeued)", f"{result['drain']['seconds']}, "
         f"{result['drain']['sweeps']}, {result['drain']['requeued']}"),
    ]  # fmt: skip
    for name, value in rows:
        print(f"  {name:40} {value}")
    print(f"  {'latency (ms)':26} {'p50':>8} {'p99':>9} {'p50':>8} {'p99':>9}")
    print(f"  {'':26} {'steady':>18} {'whole run':>19}")
    lat = result["latency"]
    for name in ("submissions", "baseline", "web_form", "api", "google_form", "forum"):
        s, w = lat[name]["steady"], lat[name]["whole"]
        print(f"  {name:26} {s['p50_ms'] or '-':>8} {s['p99_ms'] or '-':>9} "
              f"{w['p50_ms'] or '-':>8} {w['p99_ms'] or '-':>9}")  # fmt: skip
    ratio = result["latency_ratio"]
    print(f"  ratio submissions/baseline: steady p50 {ratio.get('steady_p50')}, p99 "
          f"{ratio.get('steady_p99')}; whole run p50 {ratio.get('whole_p50')}, p99 "
          f"{ratio.get('whole_p99')}")  # fmt: skip
    fault_minute = int((result["fault_began_s"]) // 60) if "fault_began_s" in result else None
    for ours, bare in zip(lat["by_minute"]["submissions"], lat["by_minute"]["baseline"],
                          strict=False):  # fmt: skip
        note = "  (the pause)" if ours["minute"] == fault_minute else ""
        print(f"  minute {ours['minute'] + 1}: p50/p99 {ours['p50_ms']}/{ours['p99_ms']} ms, "
              f"baseline {bare['p50_ms']}/{bare['p99_ms']} ms{note}")  # fmt: skip
    failed = failures(result)
    print("invariants: " + ("all held" if not failed else "FAILED " + ", ".join(failed)))
    if failed and result.get("server_log_tail"):
        print("--- end of the serving process's output ---\n" + result["server_log_tail"])
