#!/usr/bin/env python3
"""Two builds of newswatch, one cold poll of the bench corpus each, interleaved.

compare.py times one newswatch against its peers; a change to newswatch itself is judged
against the build before it on the same machine at the same time, which this does: both
poll the same loopback feed server (../shared/bench/feed_server.py) into a new database,
alternately, and the medians of wall time, CPU time and peak RSS are compared. Alternating
spreads whatever else the machine is doing over both.

usage: python3 bench/poll_ab.py BEFORE_BINARY AFTER_BINARY [--corpus bench-corpus]
                                [--reps 7] [--json FILE]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile

SHARED_BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                            "bench")
sys.path.insert(0, SHARED_BENCH)
import compare  # noqa: E402  (../shared/bench: the feed server and the timer compare.py uses)
import gen_corpus  # noqa: E402


def poll_once(binary, opml, workdir, label, rep):
    db = os.path.join(workdir, f"{label}-{rep}.db")
    run = compare.run_timed([binary, "run", "--once", "--feeds", opml, "--db", db])
    if run["rc"] != 0:
        raise SystemExit(f"{binary} failed (exit {run['rc']}): {run['err'].strip()[-500:]}")
    stored = compare.count_rows(db, ["SELECT count(*) FROM items_v"])
    return {"wall_s": run["wall_s"], "cpu_s": run["user_s"] + run["sys_s"],
            "rss_mb": run["rss_kb"] / 1024, "items_v": stored}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--corpus", default="bench-corpus")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--json")
    args = parser.parse_args()
    builds = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    corpus = os.path.abspath(args.corpus)
    manifest = json.load(open(os.path.join(corpus, "manifest.json")))
    with tempfile.TemporaryDirectory(prefix="poll-ab-") as workdir:
        server = compare.FeedServer(corpus, workdir)
        try:
            opml = os.path.join(workdir, "feeds.opml")
            gen_corpus.write_subscriptions(manifest["feeds"], server.base, opml,
                                           os.path.join(workdir, "urls"))
            runs = {label: [] for label in builds}
            for rep in range(args.reps):
                order = list(builds) if rep % 2 == 0 else list(reversed(builds))
                for label in order:
                    runs[label].append(poll_once(builds[label], opml, workdir, label, rep))
                    print(f"rep {rep} {label}: {runs[label][-1]}", file=sys.stderr)
        finally:
            server.stop()
    medians = {label: {key: statistics.median(r[key] for r in runs[label])
                       for key in ("wall_s", "cpu_s", "rss_mb", "items_v")} for label in builds}
    print(f"{'':8} {'wall s':>8} {'CPU s':>8} {'peak RSS MB':>12} {'items_v':>8}   "
          f"(medians of {args.reps} cold polls each, interleaved)")
    for label in builds:
        m = medians[label]
        print(f"{label:8} {m['wall_s']:8.2f} {m['cpu_s']:8.2f} {m['rss_mb']:12.1f} "
              f"{m['items_v']:8.0f}")
    ratio = {key: medians["after"][key] / medians["before"][key]
             for key in ("wall_s", "cpu_s", "rss_mb")}
    print("after/before: " + ", ".join(f"{key} {value:.3f}" for key, value in ratio.items()))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"builds": builds, "runs": runs, "medians": medians, "ratio": ratio}, out,
                      indent=1)


if __name__ == "__main__":
    main()
