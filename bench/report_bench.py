#!/usr/bin/env python3
"""Wall time, peak memory and output size of `newswatch report` on a month of news.

Builds a database the way a month of polling would leave it, then times `newswatch report`
on it for the last 24 hours, 7 days and 30 days, in each format, and prints the figures as a
Markdown table.

The database: newswatch creates and migrates the schema itself (`newswatch run --once` on an
OPML file with no feeds), then this script fills it with Python's sqlite3 module, as
ArticleWriter would have: feeds (some failing, a few disabled), stories of Zipf-like sizes
(most of 1-3 articles, a few of hundreds), relevant articles first seen over DAYS days with a
daily rhythm, from ~250 outlets in six languages (each with a story signature in JSON, 1-3 KB
of content, its canonical URL and text key in article_keys, 1-2 sightings, 1-3 topics of 2-6
terms each in matches), and unmatched articles (no story, short text, no content) between
them. Ids follow first-seen order, as the daemon assigns them. Since schema version 8 no
trigger indexes an inserted article in articles_fts (the writer does it in one statement per
transaction), so the relevant articles are indexed with one INSERT ... SELECT at the end, and
the unmatched ones are not, as in a real database. No ANALYZE is run: newswatch never runs it.

    python3 bench/report_bench.py [--binary build/newswatch] [--db PATH] [--articles 50000]
                                  [--unmatched 200000] [--days 30] [--reps 5] [--seed 1]
                                  [--sql] [--keep]

--db PATH builds the database there (an existing file is reused as it is, not rebuilt);
without it the database goes to a temporary directory, removed at the end unless --keep.
--sql also times the three reads of StoreReader::report_rows (their SQL copied from
storage/store_reader.cpp; keep it in step) with Python's sqlite3, which uses the same
libsqlite3 as newswatch, and prints their EXPLAIN QUERY PLAN: the report's time less theirs
is building and rendering.

The report is written with --out to a file in the temporary directory, so that writing it
costs what writing a real report costs. Wall time is this
script's clock around the child; CPU time (user + system) and peak RSS are the child's own,
from GNU time (/usr/bin/time, Debian's package `time`; without it those columns are 0). CPU
time is the figure to compare when other jobs share the machine. Standard library only.
"""
import argparse
import datetime
import json
import math
import os
import random
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EMPTY_OPML = ('<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head><title>no feeds'
              '</title></head><body></body></opml>\n')

# Topic -> (weight, first line of its [[topic]] in topics/packs/iran-us.toml, terms by language).
TOPICS = {
    "us_iran": (30, 1270, {
        "en": ["iran", "tehran", "washington", "united states", "trump", "araghchi", "khamenei",
               "white house", "iranian foreign minister", "retaliation"],
        "fr": ["iran", "téhéran", "washington", "états-unis"],
        "de": ["iran", "teheran", "washington", "vereinigte staaten"],
        "es": ["irán", "teherán", "washington", "estados unidos"],
        "ar": ["إيران", "طهران", "واشنطن", "الولايات المتحدة"],
        "fa": ["ایران", "تهران", "واشنگتن", "آمریکا"]}),
    "hormuz": (14, 756, {
        "en": ["strait of hormuz", "hormuz", "tanker", "shipping lane", "seized tanker",
               "persian gulf", "oil tanker"],
        "fr": ["détroit d'ormuz", "pétrolier", "ormuz"],
        "de": ["straße von hormus", "tanker", "hormus"],
        "es": ["estrecho de ormuz", "petrolero", "ormuz"],
        "ar": ["مضيق هرمز", "ناقلة", "هرمز"],
        "fa": ["تنگه هرمز", "نفتکش", "هرمز"]}),
    "nuclear_talks": (16, 864, {
        "en": ["nuclear talks", "enrichment", "uranium", "iaea", "snapback", "centrifuges",
               "nuclear deal", "grossi"],
        "fr": ["négociations nucléaires", "enrichissement", "uranium", "aiea"],
        "de": ["atomgespräche", "anreicherung", "uran", "iaea"],
        "es": ["negociaciones nucleares", "enriquecimiento", "uranio", "oiea"],
        "ar": ["المحادثات النووية", "التخصيب", "اليورانيوم"],
        "fa": ["مذاکرات هسته‌ای", "غنی‌سازی", "اورانیوم"]}),
    "irgc": (8, 951, {
        "en": ["irgc", "revolutionary guard", "quds force", "basij", "irgc navy"],
        "fr": ["gardiens de la révolution", "force al-qods"],
        "de": ["revolutionsgarden", "quds-einheit"],
        "es": ["guardia revolucionaria", "fuerza quds"],
        "ar": ["الحرس الثوري", "فيلق القدس"],
        "fa": ["سپاه", "سپاه پاسداران", "نیروی قدس"]}),
    "mediation": (6, 1063, {
        "en": ["oman", "muscat", "qatar", "mediator", "indirect talks", "swiss", "prisoner swap"],
        "fr": ["oman", "médiation", "mascate"],
        "de": ["oman", "vermittler", "maskat"],
        "es": ["omán", "mediador", "mascate"],
        "ar": ["عمان", "وساطة", "مسقط"],
        "fa": ["عمان", "میانجی", "مسقط"]}),
    "us_military": (10, 982, {
        "en": ["aircraft carrier", "centcom", "pentagon", "destroyer", "b-2", "us forces",
               "carrier strike group"],
        "fr": ["porte-avions", "pentagone", "forces américaines"],
        "de": ["flugzeugträger", "pentagon", "us-streitkräfte"],
        "es": ["portaaviones", "pentágono", "fuerzas estadounidenses"],
        "ar": ["حاملة الطائرات", "البنتاغون", "القوات الأمريكية"],
        "fa": ["ناو هواپیمابر", "پنتاگون", "نیروهای آمریکایی"]}),
    "sanctions": (10, 1119, {
        "en": ["sanctions", "ofac", "treasury", "oil exports", "designation", "secondary tariffs",
               "frozen funds"],
        "fr": ["sanctions", "exportations de pétrole", "trésor américain"],
        "de": ["sanktionen", "ölexporte", "finanzministerium"],
        "es": ["sanciones", "exportaciones de petróleo", "tesoro"],
        "ar": ["العقوبات", "صادرات النفط", "الخزانة"],
        "fa": ["تحریم", "صادرات نفت", "وزارت خزانه‌داری"]}),
    "strikes": (8, 1167, {
        "en": ["airstrike", "strikes on iran", "fordow", "natanz", "bunker buster", "isfahan",
               "missile strike"],
        "fr": ["frappes", "fordo", "natanz", "frappe aérienne"],
        "de": ["luftangriff", "fordo", "natanz", "angriffe"],
        "es": ["ataque aéreo", "fordo", "natanz", "bombardeo"],
        "ar": ["غارة جوية", "فوردو", "نطنز"],
        "fa": ["حمله هوایی", "فردو", "نطنز"]}),
}

LANGUAGES = [("en", 55), ("fr", 10), ("de", 8), ("es", 7), ("ar", 10), ("fa", 10)]

FILLER = {
    "en": ("the of and to in a is that for on was with as by it at from his said has have be "
           "are an officials government minister statement week talks country region after "
           "before would could new more told reporters according people security foreign "
           "president military state news agency report sources meeting deal economy oil "
           "prices market analysts warned tensions international pressure response further "
           "public policy support leaders decision announced spokesman earlier months years "
           "expected plan issue first last official comments between against during under "
           "since while where which their there other many some about also into over than "
           "may will not but this they been were had who its one two three").split(),
    "fr": ("le la les de des du et en un une est que pour dans sur avec par au aux a été "
           "selon gouvernement ministre pays semaine négociations région président sécurité "
           "accord pétrole marché tensions pression réponse déclaration responsables").split(),
    "de": ("der die das und in zu den von mit ist im für auf nicht ein eine dem des sich "
           "regierung minister land woche gespräche region präsident sicherheit abkommen "
           "öl markt spannungen druck erklärung nach vor wurde sagte laut").split(),
    "es": ("el la los las de del y en un una es que para por con al se su sus fue según "
           "gobierno ministro país semana negociaciones región presidente seguridad acuerdo "
           "petróleo mercado tensiones presión respuesta declaración").split(),
    "ar": ("في من على إلى أن عن مع هذا التي الذي قال وزير الحكومة الرئيس المفاوضات المنطقة "
           "الأمن الاتفاق النفط السوق التوتر الضغط بيان المسؤولين الأسبوع").split(),
    "fa": ("در از به با که این را است برای و بود شد گفت وزیر دولت رئیس مذاکرات منطقه امنیت "
           "توافق نفت بازار تنش فشار بیانیه مقامات هفته").split(),
}

OUTLET_PLACES = ["Gulf", "Tehran", "Dubai", "Doha", "Cairo", "Beirut", "London", "Paris", "Berlin",
                 "Madrid", "Washington", "New York", "Geneva", "Vienna", "Muscat", "Riyadh",
                 "Baghdad", "Kabul", "Istanbul", "Ankara", "Toronto", "Sydney", "Delhi",
                 "Karachi", "Amman", "Kuwait", "Bahrain", "Jerusalem", "Brussels", "Rome",
                 "Lisbon", "Zurich", "Hamburg", "Lyon", "Seville", "Chicago", "Boston",
                 "Atlanta", "Houston", "Pacific", "Atlantic", "Global", "World", "Eastern",
                 "Northern", "Southern", "Western", "Capital", "Coastal", "National"]
OUTLET_KINDS = ["Times", "Post", "Herald", "Tribune", "News", "Daily", "Observer", "Chronicle",
                "Press", "Journal", "Gazette", "Radio", "TV", "Agency", "Wire", "Monitor",
                "Courier", "Telegraph", "Standard", "Review"]
OUTLET_SCRIPT = {"ar": ["الجزيرة", "العربية", "الشرق الأوسط", "القدس العربي", "النهار",
                        "الرياض", "الخليج", "الوطن"],
                 "fa": ["ایران اینترنشنال", "همشهری", "شرق", "اعتماد", "تسنیم", "فارس",
                        "ایسنا", "دنیای اقتصاد"]}
FAILURES = ["HTTP 503 Service Unavailable", "HTTP 404 Not Found", "HTTP 403 Forbidden",
            "timed out after 30 s", "TLS handshake failed: certificate has expired",
            "could not resolve host", "not a feed: text/html", "HTTP 429 Too Many Requests"]


def slug(text):
    out = "".join(c if c.isalnum() and c.isascii() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part) or "x"


def zipf_weights(n, s):
    return [1.0 / (k + 1) ** s for k in range(n)]


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sh(cmd):
    return " ".join(shlex.quote(str(c)) for c in cmd)


class Generator:
    def __init__(self, args, rng):
        self.args, self.rng = args, rng
        self.end = int(time.time()) // 3600 * 3600  # the period ends on an hour
        self.start = self.end - args.days * 86400
        self.paragraphs = {lang: [self.paragraph(lang) for _ in range(600)] for lang in FILLER}

    def paragraph(self, lang):
        words = self.rng.choices(FILLER[lang], k=self.rng.randint(50, 110))
        return " ".join(words).capitalize() + "."

    def times(self, n):
        """n first-seen times over the period: busier afternoons (UTC), busier days."""
        rng = self.rng
        days = self.args.days
        day_weight = [math.exp(rng.gauss(0, 0.35)) for _ in range(days)]
        for _ in range(max(1, days // 8)):  # a few days of breaking news
            day_weight[rng.randrange(days)] *= 2.5
        cells, weights = [], []
        for d in range(days):
            for h in range(24):
                cells.append(d * 24 + h)
                weights.append(day_weight[d] * (1 + 0.75 * math.cos(2 * math.pi * (h - 13) / 24)))
        picks = rng.choices(cells, weights=weights, k=n)
        return sorted(self.start + c * 3600 + rng.randrange(3600) for c in picks)

    def outlets_and_feeds(self):
        rng = self.rng
        names, seen = [], set()
        for lang, scripted in OUTLET_SCRIPT.items():
            for name in scripted:
                names.append((name, lang))
                seen.add(name)
        while len(names) < 250:
            name = f"{rng.choice(OUTLET_PLACES)} {rng.choice(OUTLET_KINDS)}"
            if name in seen:
                continue
            seen.add(name)
            lang = rng.choices([l for l, _ in LANGUAGES], weights=[w for _, w in LANGUAGES])[0]
            names.append((name, lang))
        rng.shuffle(names)
        outlets = []
        for i, (name, lang) in enumerate(names):
            outlets.append({"name": name, "lang": lang,
                            "domain": (slug(name) if name.isascii() else f"outlet{i}") + ".example"})
        feeds = []
        for i, outlet in enumerate(outlets):  # one feed an outlet, a second for 30 of them
            feeds.append({"outlet": i, "url": f"https://www.{outlet['domain']}/rss/world.xml",
                          "title": outlet["name"]})
        for i in rng.sample(range(len(outlets)), 30):
            feeds.append({"outlet": i, "url": f"https://www.{outlets[i]['domain']}/rss/middle-east.xml",
                          "title": outlets[i]["name"] + " — Middle East"})
        for k in range(self.args.feeds - len(feeds)):  # aggregators: items of many outlets
            feeds.append({"outlet": None,
                          "url": f"https://news.aggregator{k}.example/rss/search?q=iran&hl=en",
                          "title": f"Aggregator {k}: iran"})
        return outlets, feeds

    def stories_of(self, n):
        """A story index for each of n articles in time order: a new story with probability
        p, else the story of an earlier article, mostly a recent one (preferential attachment
        with recency: a few stories grow to hundreds of articles, most stay at 1-3)."""
        rng = self.rng
        p = self.args.stories_target / n
        story_of, count = [], 0
        window = max(50, n // (self.args.days * 2))  # about half a day of articles
        for i in range(n):
            if i == 0 or rng.random() < p:
                story_of.append(count)
                count += 1
            elif rng.random() < 0.95:
                story_of.append(story_of[rng.randrange(max(0, i - window), i)])
            else:
                story_of.append(story_of[rng.randrange(i)])
        return story_of, count


def build(args, db, tmp):
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    opml = os.path.join(tmp, "empty.opml")
    with open(opml, "w") as f:
        f.write(EMPTY_OPML)
    cmd = [args.binary, "run", "--once", "--db", db, "--feeds", opml, "--log-level", "warn"]
    print(f"schema: {sh(cmd)}", file=sys.stderr)
    subprocess.run(cmd, check=True)
    gen = Generator(args, rng)
    outlets, feeds = gen.outlets_and_feeds()
    n, u = args.articles, args.unmatched

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -200000")
    con.execute("BEGIN")

    # Feeds: created before the period, polled to its end; some failing, a few disabled.
    feed_rows = []
    failing = set(rng.sample(range(len(feeds)), len(feeds) * 7 // 100))
    disabled = set(rng.sample(sorted(failing), max(1, len(failing) // 5)))
    for i, feed in enumerate(feeds):
        created = gen.start - rng.randrange(10, 120) * 86400
        bad = i in failing
        errors = rng.randint(1, 60) if bad else 0
        feed_rows.append((i + 1, feed["url"], feed["title"], f'"{rng.getrandbits(48):x}"' if rng.random() < 0.6 else None,
                          None, 503 if bad else 200, rng.choice(FAILURES) if bad else None,
                          errors, gen.end - rng.randrange(900), gen.end + rng.randrange(900, 3600),
                          1 if i in disabled else 0, created, None, created + 60))
    con.executemany(
        "INSERT INTO feeds (id, url, title, etag, last_modified, last_status, last_error, "
        "error_count, last_polled_at, next_poll_at, disabled, created_at, fetch_url, "
        "first_success_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", feed_rows)

    # Which feed saw an article first: popular outlets more often, aggregators now and then.
    feed_weight = [0.0] * len(feeds)
    outlet_rank = list(range(len(outlets)))
    rng.shuffle(outlet_rank)
    for i, feed in enumerate(feeds):
        feed_weight[i] = 0.6 if feed["outlet"] is None else 1.0 / (outlet_rank[feed["outlet"]] + 1) ** 0.8
    feed_ids = list(range(len(feeds)))
    aggregator_ids = [i for i, f in enumerate(feeds) if f["outlet"] is None] or feed_ids

    # Relevant articles: their times, their stories and their stories' topics.
    rel_times = gen.times(n)
    story_of, n_stories = gen.stories_of(n)
    topic_names = list(TOPICS)
    topic_weights = [TOPICS[t][0] for t in topic_names]
    story_topics = []
    for _ in range(n_stories):
        first = rng.choices(topic_names, weights=topic_weights)[0]
        extra = rng.sample([t for t in topic_names if t != first], rng.choice([0, 1, 1, 2]))
        story_topics.append([first] + extra)
    unm_times = gen.times(u)

    events = [(t, 0, i) for i, t in enumerate(rel_times)] + [(t, 1, i) for i, t in enumerate(unm_times)]
    events.sort()
    print(f"generated times and stories in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    article_rows, key_rows, sighting_rows, match_rows = [], [], [], []
    story_first = [None] * n_stories   # (first_seen, title)
    story_last = [0] * n_stories
    word_ids = range(1, 40000)
    for article_id, (t, kind, i) in enumerate(events, start=1):
        f = rng.choices(feed_ids, weights=feed_weight)[0]
        feed = feeds[f]
        o = feed["outlet"] if feed["outlet"] is not None else rng.randrange(len(outlets))
        outlet = outlets[o]
        lang = outlet["lang"] if rng.random() < 0.97 else ""
        words_lang = lang or "en"
        relevant = kind == 0
        if relevant:
            s = story_of[i]
            topics = story_topics[s]
            terms_lang = TOPICS[topics[0]][2][words_lang]
            head = rng.sample(terms_lang, min(2, len(terms_lang)))
            title = " ".join(head + rng.choices(FILLER[words_lang], k=rng.randint(5, 10)))
            title = title[0].upper() + title[1:] + f" ({s})"
            summary = " ".join(rng.choices(gen.paragraphs[words_lang], k=2))[:rng.randint(150, 400)]
            content = " ".join(rng.choices(gen.paragraphs[words_lang], k=rng.randint(2, 5)))
            content = " ".join(head) + " " + content[:rng.randint(1000, 3000)]
            story_id = s + 1
            if story_first[s] is None:
                story_first[s] = (t, title)
            story_last[s] = max(story_last[s], t)
            n_words = rng.randint(10, 24)
        else:
            title = " ".join(rng.choices(FILLER[words_lang], k=rng.randint(6, 12))).capitalize()
            summary = " ".join(rng.choices(FILLER[words_lang], k=rng.randint(12, 30)))
            content = ""
            story_id = None
            n_words = rng.randint(6, 14)
        day = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        url = (f"https://www.{outlet['domain']}/world/{day:%Y/%m/%d}/"
               f"{slug(title)[:60].strip('-') or 'article'}-{article_id}")
        words = sorted(rng.sample(word_ids, n_words))
        signature = ('{"concepts":[' + ",".join(str(c) for c in sorted(rng.sample(range(1, 60), rng.randint(0, 4))))
                     + '],"language":"' + lang + '","numbers":[],"time":' + str(t) + ',"v":2,"words":['
                     + ",".join(f"[{w},{rng.randint(1, 4)}]" for w in words) + "]}")
        published = None if rng.random() < 0.04 else t - rng.randrange(0, 7200)
        last_seen = t + (rng.randrange(0, 86400) if rng.random() < 0.3 else 0)
        last_seen = min(last_seen, gen.end - 1)
        article_rows.append((article_id, url, url, title, summary, content,
                             f"{rng.choice(FILLER['en']).title()} Reporter" if rng.random() < 0.4 else None,
                             published, t, last_seen, None, f + 1, story_id, outlet["name"], signature))
        key_rows.append((url, article_id))
        key_rows.append((f"text:{rng.getrandbits(64):016x}", article_id))
        sighting_rows.append((article_id, f + 1, url, url, url, title, outlet["name"], t, 1))
        if relevant and rng.random() < 0.35:  # seen again in another feed (an aggregator)
            g = rng.choice(aggregator_ids)
            if g != f:
                seen = min(t + rng.randrange(60, 6 * 3600), gen.end - 1)
                sighting_rows.append((article_id, g + 1, url, url, None, title, outlet["name"], seen, 1))
        if relevant:
            k = rng.choices([1, 2, 3], weights=[55, 30, 15])[0]
            article_topics = topics[:k]
            if len(article_topics) < k:
                article_topics += rng.sample([x for x in topic_names if x not in article_topics],
                                             k - len(article_topics))
            seen_keys = set()
            for topic in article_topics:
                _, line, by_lang = TOPICS[topic]
                pool = by_lang[words_lang] + (by_lang["en"] if words_lang != "en" else [])
                for term in rng.sample(pool, min(len(pool), rng.randint(2, 6))):
                    field = rng.choices(["title", "summary", "content"], weights=[3, 3, 4])[0]
                    if (topic, field, term) in seen_keys:
                        continue
                    seen_keys.add((topic, field, term))
                    length = {"title": len(title), "summary": len(summary), "content": len(content)}[field]
                    match_rows.append((article_id, topic, field, term, rng.randrange(max(1, length)),
                                       None, f"iran-us.toml:{line + 3 + pool.index(term) * 4}"))
        if len(article_rows) >= 20000:
            flush(con, article_rows, key_rows, sighting_rows, match_rows)
    flush(con, article_rows, key_rows, sighting_rows, match_rows)
    con.executemany("INSERT INTO stories (id, title, first_seen, last_seen) VALUES (?,?,?,?)",
                    [(s + 1, story_first[s][1], story_first[s][0], story_last[s])
                     for s in range(n_stories)])
    print(f"inserted rows in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    # What ArticleWriter does before each commit (migration 0008): index the relevant ones.
    con.execute("INSERT INTO articles_fts (rowid, title, summary, content) "
                "SELECT id, title, summary, content FROM articles WHERE story_id IS NOT NULL")
    con.execute("COMMIT")
    print(f"indexed in articles_fts in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    problems = con.execute("PRAGMA foreign_key_check").fetchall()
    if problems:
        sys.exit(f"foreign key violations: {problems[:5]}")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(f"database built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def flush(con, article_rows, key_rows, sighting_rows, match_rows):
    con.executemany(
        "INSERT INTO articles (id, canonical_url, url, title, summary, content, author, published, "
        "first_seen, last_seen, updated_at, feed_id, story_id, outlet, signature) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", article_rows)
    con.executemany("INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?,?)", key_rows)
    con.executemany("INSERT INTO sightings (article_id, feed_id, item_key, url, guid, title, outlet, "
                    "seen_at, news) VALUES (?,?,?,?,?,?,?,?,?)", sighting_rows)
    con.executemany("INSERT INTO matches (article_id, topic, field, term, offset, concept, rule) "
                    "VALUES (?,?,?,?,?,?,?)", match_rows)
    for rows in (article_rows, key_rows, sighting_rows, match_rows):
        rows.clear()


def describe(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    q = lambda sql: con.execute(sql).fetchone()
    counts = {
        "feeds": q("SELECT count(*) FROM feeds")[0],
        "failing feeds": q("SELECT count(*) FROM feeds WHERE last_error IS NOT NULL AND NOT disabled")[0],
        "stories": q("SELECT count(*) FROM stories")[0],
        "relevant articles": q("SELECT count(*) FROM articles WHERE story_id IS NOT NULL")[0],
        "unmatched articles": q("SELECT count(*) FROM articles WHERE story_id IS NULL")[0],
        "article_keys": q("SELECT count(*) FROM article_keys")[0],
        "sightings": q("SELECT count(*) FROM sightings")[0],
        "matches": q("SELECT count(*) FROM matches")[0],
        "articles_fts docs": q("SELECT count(*) FROM articles_fts_docsize")[0],
        "outlets": q("SELECT count(DISTINCT outlet) FROM articles WHERE story_id IS NOT NULL")[0],
    }
    sizes = [r[0] for r in con.execute(
        "SELECT n FROM (SELECT story_id, count(*) n FROM articles WHERE story_id IS NOT NULL "
        "GROUP BY story_id) ORDER BY n")]
    last = q("SELECT max(first_seen) FROM articles WHERE story_id IS NOT NULL")[0]
    first = q("SELECT min(first_seen) FROM articles WHERE story_id IS NOT NULL")[0]
    con.close()
    story_sizes = {"1-3": sum(1 for s in sizes if s <= 3), "4-20": sum(1 for s in sizes if 3 < s <= 20),
                   "21-99": sum(1 for s in sizes if 20 < s < 100), "100+": sum(1 for s in sizes if s >= 100),
                   "largest": sizes[-1] if sizes else 0}
    return counts, story_sizes, first, last


GNU_TIME = "/usr/bin/time"


def run_once(cmd, tmp):
    """(wall seconds, peak RSS KiB or None, CPU seconds or None) of one run of cmd.

    The peak RSS comes from GNU time, not from os.wait4 or RUSAGE_CHILDREN here: Linux keeps a
    process's high-water RSS across exec, so a child forked from this (large) Python process
    would report this process's size."""
    rss_file = os.path.join(tmp, "rss")
    wrapped = ([GNU_TIME, "-f", "%M %U %S", "-o", rss_file] + cmd) if os.access(GNU_TIME, os.X_OK) else cmd
    start = time.perf_counter()
    done = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {sh(cmd)}\n{done.stderr.decode(errors='replace')}")
    if wrapped is cmd:
        return wall, None, None
    with open(rss_file) as f:
        rss, user, system = f.read().split("\n")[-2].split()
    return wall, int(rss), float(user) + float(system)


# StoreReader::report_rows's three reads and feed_health's two, as in storage/store_reader.cpp.
IN_PERIOD = "a.story_id IS NOT NULL AND a.first_seen >= ?1 AND a.first_seen < ?2"
QUERIES = {
    "read_report_articles": (
        "SELECT a.id, a.story_id, a.title, coalesce(a.url, CASE WHEN a.canonical_url LIKE 'http%' "
        "THEN a.canonical_url END), coalesce(nullif(a.outlet, ''), nullif(f.title, ''), f.url), "
        "a.first_seen, a.published, coalesce(CASE WHEN json_valid(a.signature) THEN "
        "json_extract(a.signature, '$.language') END, '') "
        "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE " + IN_PERIOD +
        " ORDER BY a.first_seen, a.story_id"),
    "read_report_matches": (
        "SELECT m.article_id, m.topic, m.term FROM matches m WHERE m.article_id IN "
        "(SELECT a.id FROM articles a WHERE " + IN_PERIOD + ") ORDER BY m.article_id"),
    "read_report_stories": (
        "SELECT s.id, s.title, s.first_seen, s.last_seen, (SELECT count(*) FROM articles b "
        "WHERE b.story_id = s.id AND b.first_seen < ?1) FROM stories s WHERE s.id IN "
        "(SELECT a.story_id FROM articles a WHERE " + IN_PERIOD + ") ORDER BY s.id"),
    "feed_health": (
        "SELECT count(*), sum(disabled), sum(last_error IS NOT NULL AND NOT disabled) FROM feeds; "
        "SELECT url, last_error, error_count, next_poll_at FROM feeds_v WHERE last_error IS NOT "
        "NULL ORDER BY error_count DESC, url"),
}


def time_sql(db, since, until, reps):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    out = {}
    for name, sql in QUERIES.items():
        walls = []
        for _ in range(reps):
            start = time.perf_counter()
            rows = 0
            for part in sql.split("; "):
                params = (since, until) if "?1" in part else ()
                rows += len(con.execute(part, params).fetchall())
            walls.append(time.perf_counter() - start)
        plan = []
        for part in sql.split("; "):
            params = (since, until) if "?1" in part else ()
            plan += [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + part, params)]
        out[name] = (statistics.median(walls), rows, plan)
    con.close()
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--binary", default=os.path.join(REPO, "build", "newswatch"))
    parser.add_argument("--db", help="build (or reuse) the database here")
    parser.add_argument("--articles", type=int, default=50000, help="relevant articles")
    parser.add_argument("--unmatched", type=int, default=200000, help="unmatched articles")
    parser.add_argument("--stories-target", type=int, default=12000, help="about this many stories")
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sql", action="store_true", help="also time the report's SQL alone")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no newswatch at {args.binary} (--binary)")

    tmp = tempfile.mkdtemp(prefix="report_bench.")
    db = os.path.abspath(args.db) if args.db else os.path.join(tmp, "newswatch.db")
    try:
        if os.path.exists(db):
            print(f"reusing {db}", file=sys.stderr)
        else:
            build(args, db, tmp)
        counts, story_sizes, first, last = describe(db)
        until = (last // 3600 + 1) * 3600  # the end of the db's last hour
        out = os.path.join(tmp, "report.out")
        load_before = open("/proc/loadavg").read().split()[:3]

        configs = [(s, f, None) for s in ("24h", "7d", "30d") for f in ("md", "json", "html")]
        configs += [("30d", f, 100000) for f in ("md", "json", "html")]
        base = [args.binary, "report", "--db", db, "--until", iso(until)]
        run_once(base + ["--since", "30d", "--format", "json", "--out", out], tmp)  # warm the cache
        results = []
        for since, fmt, stories in configs:
            cmd = base + ["--since", since, "--format", fmt, "--out", out]
            if stories:
                cmd += ["--stories", str(stories)]
            walls, rss, cpu = [], [], []
            for _ in range(args.reps):
                wall, peak, seconds = run_once(cmd, tmp)
                walls.append(wall)
                rss.append(peak or 0)
                cpu.append(seconds or 0.0)
            size = os.path.getsize(out)
            results.append((since, fmt, stories, statistics.median(walls), max(walls),
                            statistics.median(cpu), max(rss), size, cmd))
            print(f"{since:>4} {fmt:>4} {stories or 100:>6}: median {statistics.median(walls):.3f} s",
                  file=sys.stderr)
        load_after = open("/proc/loadavg").read().split()[:3]

        print("# newswatch report benchmark\n")
        print(f"- binary: `{args.binary}`; {os.cpu_count()} CPUs; load average "
              f"{' '.join(load_before)} before, {' '.join(load_after)} after; "
              f"libsqlite3 {sqlite3.sqlite_version}")
        print(f"- database: `{db}`, {os.path.getsize(db) / 2**20:.1f} MiB; articles first seen "
              f"{iso(first)} to {iso(last)}; --until {iso(until)}; seed {args.seed}")
        print("- rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        print("- stories by size: " + ", ".join(f"{k} {v:,}" for k, v in story_sizes.items()))
        print(f"- {args.reps} runs of each, after one warm-up run; wall time of the process, "
              "CPU time (user + system) and peak RSS of the process from GNU time (%U+%S, "
              "%M; RSS the max over the runs)\n")
        print("| --since | --format | --stories | median s | max s | median CPU s | peak RSS MiB "
              "| output KiB |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for since, fmt, stories, median, worst, cpu, rss, size, _ in results:
            print(f"| {since} | {fmt} | {stories or '100 (default)'} | {median:.3f} | {worst:.3f} | "
                  f"{cpu:.2f} | {rss / 1024:.1f} | {size / 1024:.1f} |")
        print("\nCommands:\n")
        for *_, cmd in results:
            print(f"    {sh(cmd)}")

        if args.sql:
            print("\n## The report's SQL alone (Python sqlite3, median of "
                  f"{args.reps}, rows fetched)\n")
            print("| --since | query | median s | rows |")
            print("|---|---|---:|---:|")
            plans = {}
            for since in ("24h", "7d", "30d"):
                seconds = {"24h": 86400, "7d": 7 * 86400, "30d": 30 * 86400}[since]
                timed = time_sql(db, until - seconds, until, args.reps)
                for name, (median, rows, plan) in timed.items():
                    print(f"| {since} | {name} | {median:.3f} | {rows:,} |")
                    plans[name] = plan
            print("\nEXPLAIN QUERY PLAN:\n")
            for name, plan in plans.items():
                print(f"- {name}: " + "; ".join(plan))
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    main()
