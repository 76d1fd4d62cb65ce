#!/usr/bin/env python3
"""Peak memory of one poll round against worst-case feeds.

Serves FEEDS feeds from a loopback HTTP server, each a document of about SIZE MiB made of
~1.6 KB items that all match the built-in Iran-US pack (so every item is parsed, matched,
batched and stored), and runs `newswatch run --once` on them at the default limits. Prints
the daemon's peak RSS (from the kernel's accounting of the child) and what was stored.

    python3 bench/memory_budget.py --newswatch build/newswatch [--feeds 16] [--size 15.9]

Needs GNU time (/usr/bin/time, Debian's package `time`).
"""
import argparse
import http.server
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate

def word(rng):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))


def document(feed, size_bytes, seed, items=None):
    rng = random.Random(seed)
    # ~1.6 KB items by default (~10,000 in 16 MiB); fewer items are larger.
    words = 220 if not items else max(1, int(size_bytes / items / 7))
    start = 1749528000  # items ten minutes apart, newest first, as feeds list them
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
             f'<title>Outlet {feed}</title><link>https://outlet{feed}.example/</link>']
    total, n = 0, 0
    while True:
        # Relevant, and each its own story: a topic phrase among words of its own. (Items
        # that share concepts cost story clustering time, not memory in flight.)
        lede = " ".join(word(rng) for _ in range(words))
        title = "Strait of Hormuz: " + " ".join(word(rng) for _ in range(8))
        item = (f"<item><title>{title} {feed}-{n}</title>"
                f"<link>https://outlet{feed}.example/world/{n}</link>"
                f"<guid>outlet{feed}-{n}</guid><pubDate>{formatdate(start - n * 600, usegmt=True)}</pubDate>"
                f"<description>{lede}</description></item>")
        if n > 0 and total + len(item) > size_bytes:
            break
        parts.append(item)
        total += len(item)
        n += 1
    parts.append("</channel></rss>")
    return "".join(parts).encode(), n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newswatch", default="build/newswatch")
    parser.add_argument("--feeds", type=int, default=16)
    parser.add_argument("--size", type=float, default=15.9, help="MiB per document (max_body is 16)")
    parser.add_argument("--items", type=int, default=0,
                        help="items per document (default: as many ~1.6 KB items as fit)")
    parser.add_argument("--extra", default="", help="TOML lines added to the config")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newswatch-memory-") as tmp:
        docs, items = {}, 0
        for feed in range(args.feeds):
            body, n = document(feed, int(args.size * 1048576), feed, args.items)
            docs[f"/feed{feed}.xml"] = body
            items += n

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = docs.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        config = os.path.join(tmp, "newswatch.toml")
        with open(config, "w") as f:
            f.write('database = "n.db"\nlog_level = "warn"\n' + args.extra + "\n")
            for feed in range(args.feeds):
                f.write(f'[[feed]]\nurl = "http://127.0.0.1:{port}/feed{feed}.xml"\n')
        # GNU time reports the peak of its own child: the RSS of this process, which holds
        # the documents, is not counted, as it would be in a child forked from it.
        report = os.path.join(tmp, "time.out")
        started = time.monotonic()
        rc = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", report,
                              args.newswatch, "run", "--once", "--config", config])
        seconds = time.monotonic() - started
        with open(report) as f:
            peak_kb = int(f.read().split()[-1])
        server.shutdown()
        db = sqlite3.connect(os.path.join(tmp, "n.db"))
        stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        print(f"{args.feeds} feeds x {args.size:g} MiB, {items} items: exit {rc}, "
              f"{stored} articles stored, {seconds:.1f} s, peak RSS {peak_kb / 1024:.0f} MB")
        return rc


if __name__ == "__main__":
    sys.exit(main())
