#!/usr/bin/env python3
"""Slow clients against the form: does it keep answering?

    bench/slow_clients.py PORT [--conns 3000] [--hold 20] [--json]

On 127.0.0.1:PORT (loopback only): first fetches GET /s/enforcement-public
from 127.0.0.2 for a baseline; then opens CONNS connections from 127.0.0.1
that send a request head one byte a second and never finish it (a closed
one is opened again, so the pressure stays), and for HOLD seconds fetches
the form from 127.0.0.2 meanwhile.  Prints the statuses and latencies of
both phases and what happened to the slow connections; with --json one
JSON object instead.  Raises its own open-file limit (up to the hard one).
"""
import argparse
import asyncio
import json
import resource
import statistics
import time

PATH = "/s/enforcement-public"


async def fetch(port):
    """One GET of the form from 127.0.0.2: (status, seconds)."""
    t0 = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.2", 0)), 30)
        writer.write(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                      % PATH).encode())
        data = await asyncio.wait_for(reader.read(-1), 30)
        writer.close()
        status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "garbled"
    except asyncio.TimeoutError:
        status = "timeout"
    except OSError as e:
        status = "error:%s" % (e.strerror or type(e).__name__)
    return status, time.monotonic() - t0


async def probe(port, seconds, pause):
    """Fetch the form again and again for seconds (at least once)."""
    out = []
    end = time.monotonic() + seconds
    while True:
        out.append(await fetch(port))
        if time.monotonic() >= end:
            return out
        await asyncio.sleep(pause)


class Slow:
    """The slow clients' tally."""

    def __init__(self):
        self.open = 0
        self.peak = 0
        self.opened = 0
        self.closed_by_server = 0
        self.failed_connects = 0


async def slow_client(port, tally, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                           local_addr=("127.0.0.1", 0))
        except OSError:
            tally.failed_connects += 1
            await asyncio.sleep(1)
            continue
        tally.opened += 1
        tally.open += 1
        tally.peak = max(tally.peak, tally.open)
        try:
            writer.write(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " % PATH).encode())
            while not stop.is_set():
                await writer.drain()
                try:
                    # Anything from the server (a close, a 408) ends it.
                    await asyncio.wait_for(reader.read(1024), 1)
                    tally.closed_by_server += 1
                    break
                except asyncio.TimeoutError:
                    writer.write(b"a")
        except OSError:
            tally.closed_by_server += 1
        finally:
            tally.open -= 1
            writer.close()


def summary(results):
    statuses = {}
    for s, _ in results:
        statuses[s] = statuses.get(s, 0) + 1
    lat = sorted(t for s, t in results if s == "200")
    fig = {"n": len(results), "statuses": statuses}
    if lat:
        fig.update(median_ms=round(statistics.median(lat) * 1e3, 1),
                   p95_ms=round(lat[int(0.95 * (len(lat) - 1))] * 1e3, 1),
                   max_ms=round(lat[-1] * 1e3, 1))
    return fig


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--conns", type=int, default=3000)
    ap.add_argument("--hold", type=float, default=20)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    if not 1 <= a.conns <= 10000 or not 0 < a.hold <= 600:
        ap.error("--conns is 1..10000, --hold up to 600 s")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.conns + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))

    baseline = await probe(a.port, min(a.hold, 3), 0.1)
    tally, stop = Slow(), asyncio.Event()
    tasks = [asyncio.create_task(slow_client(a.port, tally, stop)) for _ in range(a.conns)]
    # Let them all connect (or fail to) before measuring.
    t0 = time.monotonic()
    while tally.opened + tally.failed_connects < a.conns and time.monotonic() - t0 < 30:
        await asyncio.sleep(0.1)
    loaded = await probe(a.port, a.hold, 0.2)
    held_at_end = tally.open
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    out = {
        "baseline": summary(baseline),
        "under_load": summary(loaded),
        "slow": {"conns": a.conns, "peak_open": tally.peak, "open_at_end": held_at_end,
                 "opened": tally.opened, "closed_by_server": tally.closed_by_server,
                 "failed_connects": tally.failed_connects, "hold_s": a.hold},
    }
    b, u = out["baseline"], out["under_load"]
    if b.get("median_ms") and u.get("median_ms"):
        out["median_ratio"] = round(u["median_ms"] / b["median_ms"], 2)
    if a.json:
        print(json.dumps(out, sort_keys=True))
        return
    s = out["slow"]
    print("slow clients: %d from 127.0.0.1, a header byte a second, for %g s" % (a.conns, a.hold))
    print("  peak open %d, open at the end %d, opened %d (reconnects %d), closed by nginx %d, "
          "failed connects %d" % (s["peak_open"], s["open_at_end"], s["opened"],
                                  s["opened"] - a.conns, s["closed_by_server"],
                                  s["failed_connects"]))
    for name, f in (("baseline  ", b), ("under load", u)):
        print("GET %s from 127.0.0.2, %s: %d requests %s, median %s ms, p95 %s ms, max %s ms"
              % (PATH, name, f["n"], f["statuses"], f.get("median_ms"), f.get("p95_ms"),
                 f.get("max_ms")))
    if "median_ratio" in out:
        print("median latency under load / baseline: %.2f" % out["median_ratio"])


asyncio.run(main())
