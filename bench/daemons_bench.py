#!/usr/bin/env python3
"""Feeds polled and articles stored per second by 1, 2 and 3 daemons on one PostgreSQL, next
to one daemon on SQLite (issue 22, must-show 3).

    python3 bench/daemons_bench.py [--corpus bench-corpus] [--hosts 8] [--reps 3]

The bench corpus (python3 ../shared/bench/gen_corpus.py --out bench-corpus) served by --hosts
instances of ../shared/bench/feed_server.py (each on a port of 127.0.0.1 of its own: a host
each, as per_host and the host leases count them), feed i from server i mod --hosts. A
PostgreSQL 15 of its own (initdb in a temporary directory, a Unix socket, fsync on, its
defaults otherwise). Each run starts from an empty database, starts the daemons together
(`newswatch run`, interval 1 h, concurrency 8, per_host 2) and times until every feed has
been polled and stored (feeds_v.last_polled_at set for all), polled every 0.1 s; then the
articles and sightings stored. Prints the median of --reps runs per setting, and the CPU
time of the daemons and of the server's postgres processes.
"""
import argparse
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def cpu_seconds(pids):
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
        except (FileNotFoundError, IndexError, ValueError):
            pass
    return total


def postgres_pids(data_dir):
    out = subprocess.run(["pgrep", "-f", f"postgres.*{data_dir}|postgres: "], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


def psql(uri, query):
    return subprocess.run(["psql", uri, "-X", "-At", "-c", query], capture_output=True,
                          text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT / "bench-corpus"))
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--binary", default=str(ROOT / "build" / "newswatch"))
    ap.add_argument("--json")
    args = ap.parse_args()
    wd = Path(tempfile.mkdtemp(prefix="newswatch-daemons-"))
    procs = []
    try:
        ports = []
        for k in range(args.hosts):
            port_file = wd / f"port{k}"
            server = subprocess.Popen([sys.executable, BENCH / "feed_server.py", "--dir",
                                       args.corpus, "--port", "0", "--port-file", port_file],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(server)
            deadline = time.monotonic() + 30
            while not port_file.exists() or not port_file.read_text().strip():
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("feed_server.py did not start")
                time.sleep(0.1)
            ports.append(int(port_file.read_text()))
        urls = [line.split()[0] for line in
                subprocess.run(["curl", "-s", f"http://127.0.0.1:{ports[0]}/urls"],
                               capture_output=True, text=True).stdout.splitlines() if line.strip()]
        # Feed i from server i mod hosts: a host (host:port) each, as per_host and the host
        # leases count them.
        feeds = [u.replace(f":{ports[0]}/", f":{ports[i % len(ports)]}/")
                 for i, u in enumerate(urls)]

        sock = wd / "sock"
        sock.mkdir()
        as_user = []
        if os.geteuid() == 0:
            os.chown(wd, 65534, 65534)
            os.chown(sock, 65534, 65534)
            as_user = ["runuser", "-u", "nobody", "--"]
        data = wd / "pg"
        subprocess.run(as_user + [PG_BIN / "initdb", "-D", data, "-U", "newswatch",
                                  "--auth-local=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True)
        pg = subprocess.Popen(as_user + [PG_BIN / "postgres", "-D", data, "-k", sock, "-c",
                                         "listen_addresses="], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        procs.append(pg)
        admin = f"postgresql://newswatch@/postgres?host={sock}"
        while subprocess.run(["psql", admin, "-Atc", "SELECT 1"], capture_output=True).returncode:
            time.sleep(0.2)

        settings = [("SQLite", 1), ("PostgreSQL", 1), ("PostgreSQL", 2), ("PostgreSQL", 3)]
        results = []
        for backend, n in settings:
            runs = []
            for rep in range(args.reps):
                name = f"run_{backend.lower()}_{n}_{rep}"
                if backend == "SQLite":
                    database = str(wd / f"{name}.db")
                else:
                    psql(admin, f"CREATE DATABASE {name}")
                    database = f"postgresql://newswatch@/{name}?host={sock}"
                config = wd / f"{name}.toml"
                lines = [f'database = "{database}"', 'interval = "1h"', "concurrency = 8",
                         "per_host = 2", 'timeout = "30s"', ""]
                for url in feeds:
                    lines += ["[[feed]]", f'url = "{url}"', ""]
                config.write_text("\n".join(lines))
                pg_before = cpu_seconds(postgres_pids(data))
                started = time.monotonic()
                daemons = [subprocess.Popen([args.binary, "run", "--config", config],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                           for _ in range(n)]
                count = ("SELECT count(*) FROM feeds WHERE last_polled_at IS NOT NULL")
                while True:
                    time.sleep(0.1)
                    if backend == "SQLite":
                        try:
                            con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
                            polled = con.execute(count).fetchone()[0]
                            con.close()
                        except sqlite3.Error:
                            polled = 0
                    else:
                        polled = int(psql(database, count) or 0)
                    if polled >= len(feeds):
                        break
                    if time.monotonic() - started > 600:
                        raise RuntimeError(f"{name}: {polled} of {len(feeds)} feeds in 600 s")
                took = time.monotonic() - started
                daemon_cpu = cpu_seconds([d.pid for d in daemons])
                pg_cpu = cpu_seconds(postgres_pids(data)) - pg_before
                for d in daemons:
                    d.send_signal(signal.SIGTERM)
                for d in daemons:
                    d.wait(60)
                if backend == "SQLite":
                    con = sqlite3.connect(database)
                    articles, sightings = con.execute(
                        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sightings)"
                    ).fetchone()
                    con.close()
                else:
                    articles, sightings = (int(v) for v in psql(
                        database, "SELECT (SELECT count(*) FROM articles) || '|' || "
                                  "(SELECT count(*) FROM sightings)").split("|"))
                runs.append({"seconds": took, "articles": articles, "sightings": sightings,
                             "daemon_cpu": daemon_cpu, "postgres_cpu": pg_cpu})
            median = statistics.median(r["seconds"] for r in runs)
            row = {"backend": backend, "daemons": n, "seconds": median,
                   "feeds_per_s": len(feeds) / median,
                   "articles_per_s": statistics.median(r["articles"] for r in runs) / median,
                   "articles": statistics.median(r["articles"] for r in runs),
                   "daemon_cpu": statistics.median(r["daemon_cpu"] for r in runs),
                   "postgres_cpu": statistics.median(r["postgres_cpu"] for r in runs),
                   "runs": runs}
            results.append(row)
            print(f"{backend:10} {n} daemon(s): {median:6.2f} s, {row['feeds_per_s']:7.1f} feeds/s, "
                  f"{row['articles_per_s']:7.0f} articles/s ({row['articles']:.0f} articles); "
                  f"CPU daemons {row['daemon_cpu']:.2f} s, postgres {row['postgres_cpu']:.2f} s",
                  flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
        return 0
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["rm", "-rf", wd])


if __name__ == "__main__":
    sys.exit(main())
