"""The pieces of scripts/soak: the fault plan and the daemon's configuration, child processes
that never outlive the run, the daemon's log, and the server's mutations replayed so that the
version of every feed the daemon last saw is known exactly. scripts/soak wires them together
and holds the checks; its docstring says what is expected of the daemon and why.

Python 3 standard library only; the bench kit (../shared/bench) is imported, not copied.
"""
import ctypes
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.dont_write_bytecode = True  # keep scripts/ and the shared kit free of __pycache__
ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench"
sys.path.insert(0, str(BENCH))
import gen_corpus  # noqa: E402  (replaying the server's mutations)
import score  # noqa: E402       (the canonical-URL key shared with score.py)

INTERVAL_S = 20
MAX_INTERVAL_S = 60
TIMEOUT_S = 6            # a hang costs a round this long; slow and trickle finish well within
MUTATE_EVERY_S = 30
MUTATE_FRACTION = 0.1
MUTATE_ITEMS = 2

# Every fault mode of feed_server.py, one feed each. "glob": --fault on the feed's path, so
# every request to it gets the fault; "url": the /_fault/ prefix in the configured URL, so
# the redirect lands on /_moved/..., which serves the feed (a --fault glob would redirect
# /_moved/... again, which is redirect-loop). `served`: the whole document still reaches
# the daemon, so the feed is healthy and its items are expected.
FAULTS = [
    ("slow:2", "glob", True), ("trickle", "glob", True), ("wrong-type", "glob", True),
    ("redirect:301", "url", True), ("redirect:302", "url", True),
    ("redirect:307", "url", True), ("redirect:308", "url", True),
    ("500", "glob", False), ("503:30", "glob", False), ("429:30", "glob", False),
    ("404", "glob", False), ("410", "glob", False), ("redirect-loop", "glob", False),
    ("truncate", "glob", False), ("huge:6", "glob", False), ("invalid-xml", "glob", False),
    ("html", "glob", False), ("empty", "glob", False), ("hang:30", "glob", False),
    ("reset", "glob", False),
]


def plan_feeds(manifest, seed):
    """One entry per corpus feed: path, fault spec (or None), how it is applied, whether it
    is healthy, and whether it is the feed that reloads add and remove (`toggled`)."""
    feeds = manifest["feeds"]
    rng = random.Random(f"soak:{seed}:faults")
    chosen = rng.sample(range(len(feeds)), len(FAULTS) + 1)
    toggled, faulty = chosen[0], dict(zip(chosen[1:], FAULTS))
    plan = []
    for f in feeds:
        spec, how, served = faulty.get(f["index"], (None, None, True))
        if spec == "trickle":  # about three seconds for the whole document, half the timeout
            spec = f"trickle:{f['bytes'] // 3 + 1}"
        url_path = f"/_fault/{spec}/{f['path']}" if how == "url" else f"/{f['path']}"
        plan.append({"path": f["path"], "title": f["title"], "fault": spec, "how": how,
                     "healthy": served, "toggled": f["index"] == toggled, "url_path": url_path})
    return plan


def server_fault_args(plan):
    return [a for p in plan if p["how"] == "glob" for a in ("--fault", f"{p['path']}={p['fault']}")]


def render_config(plan, port, with_toggled, broken=False):
    """soak.toml: every planned feed, the toggled one only `with_toggled`; `broken` puts an
    error in it (a reload must reject it and keep the running configuration)."""
    interval = '"twenty seconds"' if broken else f'"{INTERVAL_S}s"'
    lines = [
        "# Written by scripts/soak; rewritten before each SIGHUP.",
        'database = "soak.db"',
        f"interval = {interval}",
        f'max_interval = "{MAX_INTERVAL_S}s"',
        "honor_feed_hints = false",
        f'timeout = "{TIMEOUT_S}s"',
        "concurrency = 16",
        "per_host = 8          # every feed is on one host:port here, which no outlet is",
        'max_body = "4MiB"     # huge:6 is over it; the corpus feeds are ~0.1 MiB',
        'log_level = "debug"   # the per-fetch GET lines feed the round check',
        "",
    ]
    for p in plan:
        if p["toggled"] and not with_toggled:
            continue
        url = f"http://127.0.0.1:{port}{p['url_path']}"
        lines += ["[[feed]]", f"url = {json.dumps(url)}",
                  f"title = {json.dumps(p['title'], ensure_ascii=False)}", ""]
    return "\n".join(lines)


def write_atomically(path, text):
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- processes

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # Children get SIGKILL if this script dies, even by SIGKILL itself.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def child_env():
    env = dict(os.environ)
    for k in ("JOURNAL_STREAM", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS"):
        env.pop(k, None)  # the daemon must log as to a file, not play systemd
    return env


class Child:
    """A process in its own session (Ctrl-C reaches only the soak), output to a file, killed
    by its pid when the soak ends however it ends."""

    def __init__(self, argv, log_path, cwd):
        self.argv, self.log_path, self.cwd = [str(a) for a in argv], Path(log_path), cwd
        self.proc = None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.cwd, env=child_env(),
                                         start_new_session=True, preexec_fn=_die_with_parent)
        return self

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Sends `sig`, waits up to `timeout` s, then SIGKILL; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()


def wait_for_file(path, timeout, child=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if Path(path).exists() and Path(path).read_text().strip():
            return Path(path).read_text().strip()
        if child is not None and not child.alive():
            break
        time.sleep(0.1)
    raise RuntimeError(f"{path} did not appear within {timeout} s")


def http_json(url, method="GET"):
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def memory_kib(pid):
    """VmRSS, RssAnon, RssFile and RssShmem of a process in KiB; None once it is gone."""
    try:
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
        return tuple(int(fields[k].split()[0]) for k in ("VmRSS", "RssAnon", "RssFile", "RssShmem"))
    except (OSError, KeyError, ValueError):
        return None


# --------------------------------------------------------------------------- the daemon's log

LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}) (\w+) (.*)$")
GET_LINE = re.compile(r"^GET (\S+) -> (\d+) (\d+) bytes in ([\d.]+)s(?: \((.*)\))?$")
ROUND_LINE = re.compile(r"^poll round: (\d+) feeds, (\d+) fetched, (\d+) not modified, "
                        r"(\d+) failed; (\d+) items, (\d+) matched, (\d+) new articles")
START_LINE = re.compile(r"^newswatch \S+: (\d+) feeds, \d+ topics")
RELOADED_LINE = re.compile(r"^configuration reloaded: (\d+) feeds \(was (\d+)\)")


class LogFollower:
    """Reads a daemon's log as it grows: (unix time, level, message) per complete line."""

    def __init__(self, path):
        self.path, self.offset, self.lines = Path(path), 0, []

    def poll(self):
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except FileNotFoundError:
            return []
        end = data.rfind(b"\n") + 1
        self.offset += end
        new = [parse_log_line(raw) for raw in data[:end].decode("utf-8", "replace").splitlines()]
        new = [x for x in new if x]
        self.lines += new
        return new


def parse_log_line(raw):
    m = LOG_LINE.match(raw)
    if not m:
        return None
    ts = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f").timestamp()  # local time
    return ts, m.group(2), m.group(3)


def feed_path_of(url):
    """The corpus path a fetch URL serves: /_fault/SPEC/ and /_moved/ prefixes dropped."""
    path = urlsplit(url).path
    if path.startswith("/_fault/"):
        path = "/" + path.split("/", 3)[3]
    elif path.startswith("/_moved/"):
        path = path[len("/_moved"):]
    return path.lstrip("/")


# --------------------------------------------------------------------------- the server's mutations

def etag_of(body):
    return hashlib.sha1(body).hexdigest()[:20]  # feed_server.Resource, without the quotes


def replay_mutations(corpus, manifest, rounds):
    """Every version of every feed the server served: {path: [(round, etag, body)]} from
    round 0 (the file) on, and the items each round added, as feed_server.State.mutate
    makes them (same seeds, same order)."""
    seed, feeds = manifest["params"]["seed"], manifest["feeds"]
    current = {f["path"]: (Path(corpus) / f["path"]).read_bytes() for f in feeds}
    versions = {p: [(0, etag_of(b), b)] for p, b in current.items()}
    added = []
    for rnd in range(1, rounds + 1):
        k = max(1, round(MUTATE_FRACTION * len(feeds)))
        for f in random.Random(f"{seed}:mutate-pick:{rnd}").sample(feeds, min(k, len(feeds))):
            new = gen_corpus.make_new_items(f, seed, rnd, MUTATE_ITEMS)
            rng = random.Random(f"{seed}:mutate-render:{rnd}:{f['index']}")
            body = gen_corpus.insert_items(current[f["path"]], f, new, rng)
            current[f["path"]] = body
            versions[f["path"]].append((rnd, etag_of(body), body))
            for pos, it in enumerate(new):
                entry = gen_corpus.manifest_item(it, f, pos)
                entry["mutation_round"] = rnd
                added.append(entry)
    return versions, added


def article_key(url):
    """One canonical article: score.py's URL normalisation (tracking parameters, AMP, scheme,
    trailing slash and fragment removed), which every URL variant of the corpus collapses to."""
    return score.normalize_url(url)


# --------------------------------------------------------------------------- checks

def integrity(db):
    """PRAGMA integrity_check and the FTS5 index against its articles, by the sqlite3 CLI."""
    def cli(sql):
        r = subprocess.run(["sqlite3", "-bail", str(db), sql], capture_output=True, text=True)
        return (r.stdout + r.stderr).strip() or ("ok" if r.returncode == 0 else f"exit {r.returncode}")
    return (cli("PRAGMA integrity_check;"),
            cli("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check');"))


def read_db(db):
    """feeds_v by url; kept sightings as (url, article_id); every sighting's url by feed."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        feeds = {r[0]: {"etag": r[1], "fetch_url": r[2], "last_error": r[3], "disabled": r[4]}
                 for r in con.execute("SELECT url, etag, fetch_url, last_error, disabled FROM feeds_v")}
        kept = con.execute("SELECT s.url, s.article_id FROM sightings_v s "
                           "JOIN items_v i USING (article_id)").fetchall()
        seen = defaultdict(set)
        for url, feed_url in con.execute("SELECT url, feed_url FROM sightings_v"):
            seen[feed_url].add(url)
    finally:
        con.close()
    return feeds, kept, seen


def kept_by_key(kept):
    out = defaultdict(set)
    for url, article_id in kept:
        if url:
            out[article_key(url)].add(article_id)
    return out


def expected_feeds(plan):
    return [p for p in plan if p["healthy"] and not p["toggled"]]


def seen_versions(plan, port, versions, added, feeds, seen):
    """{path: (round, how)}: the version of each healthy feed the daemon last stored, named by
    the ETag it kept, else by the newest mutation round among the feed's sightings."""
    out = {}
    for p in expected_feeds(plan):
        url = f"http://127.0.0.1:{port}{p['url_path']}"
        etag = ((feeds.get(url) or {}).get("etag") or "").removeprefix("W/").strip('"')
        rounds = [r for r, e, _ in versions[p["path"]] if e == etag]
        if rounds:
            out[p["path"]] = (rounds[0], "etag")
            continue
        mine = [it["mutation_round"] for it in added
                if it["feed"] == p["path"] and it["url"] in seen.get(url, ())]
        out[p["path"]] = (max(mine, default=0), "sightings" if not etag else "unknown etag")
    return out


def run_reference(binary, wd, plan, versions, seen_round):
    """The healthy feeds, at the versions the soak's daemon saw, polled once by the same
    binary from a fault-free server into a fresh database; returns its path."""
    ref = Path(wd) / "reference"
    for p in expected_feeds(plan):
        body = next(b for r, _, b in versions[p["path"]] if r == seen_round[p["path"]][0])
        (ref / p["path"]).parent.mkdir(parents=True, exist_ok=True)
        (ref / p["path"]).write_bytes(body)
    server = Child([sys.executable, BENCH / "feed_server.py", "--dir", ref, "--port", "0",
                    "--port-file", ref / "port"], ref / "server.log", ROOT).start()
    try:
        port = wait_for_file(ref / "port", 30, server)
        lines = ['database = "reference.db"', 'timeout = "60s"', "per_host = 8", ""]
        for p in expected_feeds(plan):
            lines += ["[[feed]]", f'url = "http://127.0.0.1:{port}/{p["path"]}"', ""]
        (ref / "reference.toml").write_text("\n".join(lines))
        with open(ref / "daemon.log", "wb") as log:
            rc = subprocess.run([binary, "run", "--once", "--config", ref / "reference.toml"],
                                stdout=log, stderr=subprocess.STDOUT, cwd=ref, env=child_env(),
                                timeout=600).returncode
    finally:
        server.stop()
    if rc != 0:
        raise RuntimeError(f"the reference poll exited {rc}: see {ref / 'daemon.log'}")
    return ref / "reference.db"


def compare_articles(manifest, added, plan, seen_round, ref_kept, soak_kept):
    """Expected vs stored, as the soak's docstring defines them."""
    healthy = {p["path"] for p in expected_feeds(plan)}
    published = [it for it in manifest["items"] if it["feed"] in healthy]
    late = [it for it in added if it["feed"] in healthy
            and it["mutation_round"] > seen_round[it["feed"]][0]]
    published += [it for it in added if it["feed"] in healthy
                  and it["mutation_round"] <= seen_round[it["feed"]][0]]
    relevant = [it for it in published if it["relevant"]]
    truth = {article_key(it["url"]) for it in relevant}
    expected = {k for k in truth if ref_kept.get(k)}
    missing = sorted(k for k in expected if not soak_kept.get(k))
    twice = sorted(k for k in expected if len(soak_kept.get(k, ())) > 1)
    holders = defaultdict(set)
    for k in expected:
        for a in soak_kept.get(k, ()):
            holders[a].add(k)
    merged = [sorted(ks) for ks in holders.values()
              if len(set().union(*(ref_kept[k] for k in ks))) > 1]
    hard = {article_key(it["url"]) for it in manifest["items"] + added if it["hard_negative"]}
    return {
        "relevant_items": len(relevant),
        "relevant_items_added": sum(1 for it in relevant if "mutation_round" in it),
        "published_articles": len(truth), "matcher_misses": sorted(truth - expected),
        "expected": len(expected), "missing": missing, "twice": twice, "merged": merged,
        "stored_once": len(expected) - len(missing) - len(twice),
        "added_after_last_poll": len(late),
        "hard_negatives_stored": sorted(k for k in hard if soak_kept.get(k)),
    }


def round_check(logs, plan, t_begin, t_end):
    """Per healthy feed: completed polls (GET lines) and the longest time without one."""
    healthy = {p["path"] for p in expected_feeds(plan)}
    polls, failed, rounds = defaultdict(list), Counter(), 0
    for lines in logs:
        for ts, _, msg in lines:
            if ROUND_LINE.match(msg):
                rounds += 1
                continue
            m = GET_LINE.match(msg)
            if m and feed_path_of(m.group(1)) in healthy:
                polls[feed_path_of(m.group(1))].append(ts)
                if m.group(2) not in ("200", "304"):
                    failed[feed_path_of(m.group(1))] += 1
    gaps = {}
    for path in healthy:
        times = [t_begin] + sorted(polls[path]) + [t_end]
        gaps[path] = max(b - a for a, b in zip(times, times[1:]))
    return {"rounds": rounds, "polls": {p: len(polls[p]) for p in healthy}, "gaps": gaps,
            "failed": dict(failed)}


def faults_by_mode(plan, stats):
    """Faults served per mode, from the server's per-path counters: every request of a --fault
    path; the 3xx answers of a /_fault/redirect URL (the request it redirects to is normal)."""
    out = {}
    for p in plan:
        if p["fault"]:
            c = stats["paths"].get(p["path"], {})
            out[p["fault"]] = c.get("requests", 0) if p["how"] == "glob" else c.get("other", 0)
    return out


def run_score(db, manifest_path, stats_path, json_path):
    r = subprocess.run([sys.executable, BENCH / "score.py", "--db", db, "--manifest",
                        manifest_path, "--extra", stats_path, "--json", json_path],
                       capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise RuntimeError(f"score.py exited {r.returncode}: {r.stderr.strip()}")
    return r.stdout.strip(), json.loads(Path(json_path).read_text())
