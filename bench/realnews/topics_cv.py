#!/usr/bin/env python3
"""Relevance and topics on the real-news set, per fold of a split by story (issue 16).

    python3 bench/realnews/topics_cv.py --cmd build/newswatch [--pack NAME=FILE]...
                                        [--folds 5] [--seed 16] [--json]

The stories of the set (relevant or not) are sorted, shuffled (seed 16) and dealt into folds;
every item goes through `CMD match --jsonl` once. Printed per fold and over all items:
relevance precision and recall, topic micro precision, recall and F1 over the eight topics of
../shared/topics/README.md (a topic they do not define, such as one a pack adds, is not
scored), and per topic support, recall and precision.

With two or more --pack options (`CMD match --topics FILE` each), the packs are candidates
for a numeric knob (a weight, a threshold): each fold is scored with the candidate that has
the best micro-F1 over the other folds, and the sweep (each candidate's mean over folds) is
printed first. Without --pack, the binary's built-in pack is scored. Needs the text in
bench/realnews/text/ (see README.md).
"""
import argparse
import collections
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from score import joined_items  # noqa: E402

TOPICS = ["hormuz", "nuclear_talks", "irgc", "us_military", "mediation", "sanctions",
          "strikes", "protests_iran"]


def folds_of(items, folds, seed):
    stories = sorted({it["story_id"] for it in items})
    random.Random(seed).shuffle(stories)
    return {s: k % folds for k, s in enumerate(stories)}


def matched(cmd, pack, items):
    """The binary's {"relevant", "topics"} for every item, by id."""
    lines = "".join(json.dumps({"id": it["id"], "title": it["title"],
                                "description": it["description"]}, ensure_ascii=False) + "\n"
                    for it in items)
    args = [cmd, "match", "--jsonl"] + (["--topics", pack] if pack else [])
    out = subprocess.run(args, input=lines, capture_output=True, text=True, check=True).stdout
    return {p["id"]: p for p in map(json.loads, out.splitlines())}


def ratio(a, b):
    return a / b if b else 1.0


def figures(items, predicted):
    """Relevance and topic figures of `items` against the predictions."""
    rel = collections.Counter()
    per = {t: collections.Counter() for t in TOPICS}
    for it in items:
        p = predicted.get(it["id"], {})
        rel[(bool(it["relevant"]), bool(p.get("relevant")))] += 1
        gold, found = set(it["topics"]), set(p.get("topics") or [])
        for t in TOPICS:
            per[t][(t in gold, t in found)] += 1
    tp = sum(c[(True, True)] for c in per.values())
    fp = sum(c[(False, True)] for c in per.values())
    fn = sum(c[(True, False)] for c in per.values())
    p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
    return {
        "items": len(items),
        "relevance": {"precision": ratio(rel[(True, True)], rel[(True, True)] + rel[(False, True)]),
                      "recall": ratio(rel[(True, True)], rel[(True, True)] + rel[(True, False)])},
        "micro": {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0},
        "topics": {t: {"support": c[(True, True)] + c[(True, False)],
                       "recall": ratio(c[(True, True)], c[(True, True)] + c[(True, False)]),
                       "precision": ratio(c[(True, True)], c[(True, True)] + c[(False, True)])}
                   for t, c in per.items()},
    }


def print_row(label, f):
    rel, m = f["relevance"], f["micro"]
    print(f"  {label:<6} {f['items']:5}  {rel['precision']:6.3f} {rel['recall']:6.3f}   "
          f"{m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmd", required=True, help="the newswatch binary, e.g. build/newswatch")
    ap.add_argument("--pack", action="append", default=[], metavar="NAME=FILE",
                    help="a candidate topic pack (repeatable); default: the built-in one")
    ap.add_argument("--labels", default=os.path.join(HERE, "labels.jsonl"))
    ap.add_argument("--text", default=os.path.join(HERE, "text"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    items = joined_items(a.labels, a.text)
    fold_of = folds_of(items, a.folds, a.seed)
    in_fold = [[it for it in items if fold_of[it["story_id"]] == k] for k in range(a.folds)]
    packs = [tuple(p.split("=", 1)) if "=" in p else (p, p) for p in a.pack] or [("built-in", None)]
    per = {}  # candidate -> [fold figures]
    for name, path in packs:
        predicted = matched(a.cmd, path, items)
        per[name] = ([figures(fold, predicted) for fold in in_fold], figures(items, predicted))
    held_out = []
    for k in range(a.folds):
        best = max(per, key=lambda n: sum(per[n][0][j]["micro"]["f1"]
                                          for j in range(a.folds) if j != k))
        held_out.append(dict(per[best][0][k], fold=k, pack=best))
    result = {"items": len(items), "stories": len(fold_of), "folds": a.folds, "seed": a.seed,
              "sweep": {n: sum(f["micro"]["f1"] for f in per[n][0]) / a.folds for n in per},
              "held_out": held_out}
    if len(per) == 1:
        result["all"] = next(iter(per.values()))[1]
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{len(items)} items, {len(fold_of)} stories, {a.folds} folds by story "
          f"(seed {a.seed})")
    if len(per) > 1:
        print("\nsweep: mean topic micro-F1 over folds")
        for n, f1 in result["sweep"].items():
            print(f"  {n:<20} {f1:.3f}")
    print("\n  fold   items  relevance P/R     topic micro P/R/F1" +
          ("     pack" if len(per) > 1 else ""))
    for row in held_out:
        print_row(str(row["fold"]), row)
        if len(per) > 1:
            print(f"{'':58}{row['pack']}")
    if "all" in result:
        print_row("all", result["all"])
        print("\n  per topic, support / recall / precision, by fold then all")
        for t in TOPICS:
            cells = [row["topics"][t] for row in held_out] + [result["all"]["topics"][t]]
            print(f"  {t:<14}" + "  ".join(f"{c['support']:3}/{c['recall']:.2f}/{c['precision']:.2f}"
                                          for c in cells))


if __name__ == "__main__":
    main()
