#!/usr/bin/env python3
"""Cross-validate the story threshold on the real-news set and dev.jsonl, folds split by story.

    python3 bench/realnews/cv.py --cmd build/newswatch [--folds 5] [--seed 7]
                                 [--thresholds 0.04 0.05 ...] [--json]

The stories of the relevant items are shuffled (seed 7) and dealt into folds. Every item is
clustered at once, as the daemon would meet them (`newswatch eval --items ... --threshold T
--predictions ...`, one run per threshold); a pair of relevant items (relevant by the labels
and by newswatch) belongs to the fold of each item's story. Each fold's threshold is the one
with the best mean pair F1 over the other folds; the fold is scored with it. Printed: the
sweep (mean over folds at each threshold), then per fold the threshold it got and its held-out
pair precision, recall, F1 and cross-language recall, and their mean. Needs the text in
bench/realnews/text/ (see README.md).
"""
import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from score import labeled_items  # noqa: E402

THRESHOLDS = [0.04, 0.05, 0.065, 0.08, 0.1, 0.13, 0.17, 0.22]


def predictions(cmd, items_path, threshold, work):
    out = os.path.join(work, f"predictions-{threshold}.jsonl")
    subprocess.run([cmd, "eval", "--items", items_path, "--threshold", str(threshold),
                    "--predictions", out], capture_output=True, check=True)
    with open(out, encoding="utf-8") as f:
        return {p["id"]: p for p in map(json.loads, f)}


def fold_counts(items, fold_of, folds, predicted):
    """Per fold: [true pairs found, wrong pairs, true pairs missed, cross-language found, missed]."""
    relevant = [it for it in items if it["relevant"] and predicted[it["id"]]["relevant"]]
    counts = [[0] * 5 for _ in range(folds)]
    for a, b in itertools.combinations(relevant, 2):
        same = a["story_id"] == b["story_id"]
        joined = predicted[a["id"]]["story_id"] == predicted[b["id"]]["story_id"]
        if not (same or joined):
            continue
        other_language = a.get("lang", "en") != b.get("lang", "en")
        for k in {fold_of[a["story_id"]], fold_of[b["story_id"]]}:
            c = counts[k]
            c[0] += same and joined
            c[1] += joined and not same
            c[2] += same and not joined
            if same and other_language:
                c[3] += joined
                c[4] += not joined
    return counts


def figures(c):
    tp, fp, fn, xtp, xfn = c
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "cross_language_recall": xtp / (xtp + xfn) if xtp + xfn else 1.0}


def mean(rows, key):
    return sum(r[key] for r in rows) / len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmd", required=True)
    ap.add_argument("--labels", default=os.path.join(HERE, "labels.jsonl"))
    ap.add_argument("--text", default=os.path.join(HERE, "text"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--thresholds", type=float, nargs="+", default=THRESHOLDS)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()

    items = labeled_items(a.labels, a.text, with_dev=True)
    stories = sorted({it["story_id"] for it in items if it["relevant"]})
    random.Random(a.seed).shuffle(stories)
    fold_of = {s: k % a.folds for k, s in enumerate(stories)}
    with tempfile.TemporaryDirectory(prefix="newswatch-cv-") as work:
        items_path = os.path.join(work, "items.jsonl")
        with open(items_path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(it, ensure_ascii=False) + "\n" for it in items)
        per = {t: [figures(c) for c in fold_counts(items, fold_of, a.folds,
                                                   predictions(a.cmd, items_path, t, work))]
               for t in a.thresholds}
    held_out = []
    for k in range(a.folds):
        best = max(a.thresholds,
                   key=lambda t: sum(per[t][j]["f1"] for j in range(a.folds) if j != k))
        held_out.append(dict(per[best][k], fold=k, threshold=best))
    keys = ["precision", "recall", "f1", "cross_language_recall"]
    result = {"items": len(items), "stories": len(stories), "folds": a.folds, "seed": a.seed,
              "sweep": [dict({k: mean(per[t], k) for k in keys}, threshold=t)
                        for t in a.thresholds],
              "held_out": held_out, "mean": {k: mean(held_out, k) for k in keys}}
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{len(items)} items, {len(stories)} relevant stories, {a.folds} folds (seed {a.seed})")
    print("\nsweep (mean over folds)\n  threshold  precision  recall      F1  cross-language recall")
    for row in result["sweep"]:
        print(f"  {row['threshold']:<9}  {row['precision']:9.3f}  {row['recall']:6.3f}  "
              f"{row['f1']:6.3f}  {row['cross_language_recall']:21.3f}")
    print("\nheld out\n  fold  threshold  precision  recall      F1  cross-language recall")
    for row in held_out:
        print(f"  {row['fold']:<4}  {row['threshold']:<9}  {row['precision']:9.3f}  "
              f"{row['recall']:6.3f}  {row['f1']:6.3f}  {row['cross_language_recall']:21.3f}")
    m = result["mean"]
    print(f"  mean  {'':9}  {m['precision']:9.3f}  {m['recall']:6.3f}  {m['f1']:6.3f}  "
          f"{m['cross_language_recall']:21.3f}")


if __name__ == "__main__":
    main()
