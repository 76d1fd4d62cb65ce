#!/usr/bin/env python3
"""Score newswatch on the real-news set: labels committed here, the text kept locally.

    python3 bench/realnews/score.py --cmd build/newswatch [--mode e2e|match] [--with-dev]
                                    [--keep DIR] [--json]

labels.jsonl (committed) holds, for each real published news item, everything
../shared/topics/README.md asks of a labeled item except its words: id, url, published,
time_known (false when only the day is known: the time is then 12:00 UTC), outlet, lang,
relevant, topics, story_id, same_article. The headline and lede are other people's writing
and never enter the repository: they live in bench/realnews/text/*.jsonl (git-ignored), one
{"id", "title", "description"} per line, as gathered from the published pages the URLs name.

The script joins the two into the JSON lines of ../shared/topics/README.md (with
--with-dev, ../shared/topics/dev.jsonl is added), runs ../shared/topics/evaluate.py on them,
and adds what evaluate.py does not report: how many same-story pairs across languages were
found (cross-language pair recall over relevant items) and how many predicted pairs across
languages were right.
"""
import argparse
import collections
import glob
import itertools
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED_TOPICS = os.path.join(HERE, "..", "..", "..", "shared", "topics")
LABEL_FIELDS = ["id", "url", "published", "time_known", "outlet", "lang", "relevant", "topics",
                "story_id", "same_article", "dev_story_id"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: invalid JSON: {e}")


def joined_items(labels_path, text_dir):
    text = {}
    for path in sorted(glob.glob(os.path.join(text_dir, "*.jsonl"))):
        for row in read_jsonl(path):
            text[row["id"]] = row
    items, missing = [], []
    for label in read_jsonl(labels_path):
        words = text.get(label["id"])
        if words is None:
            missing.append(label["id"])
            continue
        item = {k: label[k] for k in LABEL_FIELDS if k in label}
        item["title"] = words["title"]
        item["description"] = words.get("description", "")
        items.append(item)
    if missing:
        print(f"{len(missing)} labeled items have no text in {text_dir} (first: {missing[0]}); "
              "they are left out", file=sys.stderr)
    return items


def labeled_items(labels_path, text_dir, with_dev):
    """The items of ../shared/topics/README.md, in order of publication; with_dev adds
    dev.jsonl, one story id per event both sets hold."""
    items = joined_items(labels_path, text_dir)
    if with_dev:
        dev = list(read_jsonl(os.path.join(SHARED_TOPICS, "dev.jsonl")))
        clash = {it["story_id"] for it in dev} & {it["story_id"] for it in items}
        if clash:
            sys.exit(f"story ids in both sets: {sorted(clash)[:5]}")
        # dev.jsonl's events of 2026 are partly real ones this set also holds: a label's
        # dev_story_id names the dev story of the same event.
        for it in items:
            it["story_id"] = it.get("dev_story_id") or it["story_id"]
        items += dev
    for it in items:
        it.pop("dev_story_id", None)
    items.sort(key=lambda it: it["published"])
    return items


def cross_language(items, predictions):
    """Same-story pairs of relevant items in two languages: how many were found, and how
    many predicted pairs across languages were right."""
    story = {p["id"]: p.get("story_id") for p in predictions}
    relevant = [it for it in items if it["relevant"]]
    gold = found = predicted = right = 0
    for a, b in itertools.combinations(relevant, 2):
        if a["lang"] == b["lang"]:
            continue
        same_gold = a["story_id"] == b["story_id"]
        sa, sb = story.get(a["id"]), story.get(b["id"])
        same_predicted = sa is not None and sa == sb
        gold += same_gold
        found += same_gold and same_predicted
        predicted += same_predicted
        right += same_gold and same_predicted
    return {"gold_pairs": gold, "found": found, "recall": found / gold if gold else 1.0,
            "predicted_pairs": predicted, "precision": right / predicted if predicted else 1.0}


def describe(items):
    stories = collections.defaultdict(list)
    for it in items:
        stories[it["story_id"]].append(it)
    multi = [s for s in stories.values() if len({it["outlet"] for it in s}) >= 2]
    return {"items": len(items), "relevant": sum(it["relevant"] for it in items),
            "outlets": len({it["outlet"] for it in items}),
            "languages": dict(collections.Counter(it["lang"] for it in items)),
            "stories": len(stories), "stories_with_2_outlets": len(multi),
            "cross_language_stories": sum(len({it["lang"] for it in s}) >= 2 for s in multi)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmd", required=True, help="the newswatch binary, e.g. build/newswatch")
    ap.add_argument("--mode", choices=["match", "e2e"], default="e2e")
    ap.add_argument("--labels", default=os.path.join(HERE, "labels.jsonl"))
    ap.add_argument("--text", default=os.path.join(HERE, "text"))
    ap.add_argument("--with-dev", action="store_true", help="add ../shared/topics/dev.jsonl")
    ap.add_argument("--keep", help="keep the joined items, feeds, database and predictions here")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    items = labeled_items(a.labels, a.text, a.with_dev)
    work = a.keep or tempfile.mkdtemp(prefix="newswatch-realnews-")
    os.makedirs(work, exist_ok=True)
    items_path = os.path.join(work, "items.jsonl")
    with open(items_path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(it, ensure_ascii=False) + "\n" for it in items)
    eval_dir = os.path.join(work, "eval")
    if os.path.exists(eval_dir):
        sys.exit(f"{eval_dir} exists: give --keep a folder without it")
    evaluate = [sys.executable, os.path.join(SHARED_TOPICS, "evaluate.py"), "--cmd", a.cmd,
                "--items", items_path, "--mode", a.mode, "--keep", eval_dir]
    if a.json:
        result = json.loads(subprocess.run(evaluate + ["--json"], capture_output=True,
                                           check=True).stdout)
    else:
        print(json.dumps(describe(items)))
        subprocess.run(evaluate, check=True)
    if a.mode == "match":
        if a.json:
            print(json.dumps({"set": describe(items), **result}, indent=2, sort_keys=True))
        return
    predictions = list(read_jsonl(os.path.join(eval_dir, "predictions.jsonl")))
    crossing = cross_language(items, predictions)
    if a.json:
        print(json.dumps({"set": describe(items), "cross_language": crossing, **result},
                         indent=2, sort_keys=True))
        return
    print(f"\nCross-language same-story pairs (relevant items): {crossing['found']} of "
          f"{crossing['gold_pairs']} found (recall {crossing['recall']:.3f}); "
          f"{crossing['predicted_pairs']} predicted, precision {crossing['precision']:.3f}")


if __name__ == "__main__":
    main()
