#!/usr/bin/env python3
"""Send N requests at the same moment over N connections; print a summary.

    flood.py PORT N PATH [--body FILE] [--header 'Name: value']... [--sources K]
             [--mark TEXT]

Every connection is opened first (from 127.0.2.1 .. 127.0.2.K in turn, all
loopback, so that nginx's per-address limit does not decide the outcome),
then all requests are written at once and every answer is read to its end.
Prints one JSON object: {"statuses": {"201": n, ...}, "503_retry_after": n,
"503_marked": n, "failed": n, "errors": [...]}: 503_marked counts the 503
answers whose body holds TEXT, failed the connections that broke or
answered nothing.  Loopback only.
"""
import argparse
import asyncio
import json
import resource


async def one(port, src, request, opened, go):
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=(src, 0)), 60)
    except Exception as e:  # noqa: BLE001 - every failure is reported
        opened.set_result(None) if not opened.done() else None
        return ("failed", {}, b"", "connect: %r" % e)
    opened.set_result(None)
    await go.wait()
    try:
        writer.write(request)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), 120)
    except Exception as e:  # noqa: BLE001
        return ("failed", {}, b"", "exchange: %r" % e)
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or len(lines[0].split()) < 2:
        return ("failed", {}, b"", "no status line (%d bytes)" % len(data))
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return (lines[0].split()[1], headers, body, None)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("path")
    ap.add_argument("--body")
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--sources", type=int, default=25)
    ap.add_argument("--mark", default="")
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, a.n + 256)), hard))

    body = open(a.body, "rb").read() if a.body else b""
    method = "POST" if a.body else "GET"
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" % (method, a.path)
    for h in a.header:
        head += h + "\r\n"
    if a.body:
        head += "Content-Length: %d\r\n" % len(body)
    request = head.encode() + b"\r\n" + body

    go = asyncio.Event()
    loop = asyncio.get_running_loop()
    opened = [loop.create_future() for _ in range(a.n)]
    tasks = [asyncio.create_task(one(a.port, "127.0.2.%d" % (i % a.sources + 1), request,
                                     opened[i], go)) for i in range(a.n)]
    await asyncio.gather(*opened)
    go.set()
    results = await asyncio.gather(*tasks)

    out = {"statuses": {}, "503_retry_after": 0, "503_marked": 0, "failed": 0, "errors": []}
    for status, headers, rbody, err in results:
        if err:
            out["failed"] += 1
            if len(out["errors"]) < 5:
                out["errors"].append(err)
            continue
        out["statuses"][status] = out["statuses"].get(status, 0) + 1
        if status == "503":
            out["503_retry_after"] += "retry-after" in headers
            out["503_marked"] += a.mark.encode() in rbody
    print(json.dumps(out, sort_keys=True))


asyncio.run(main())
