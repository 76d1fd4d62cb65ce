#!/usr/bin/env python3
"""How far two labelers of the real-news set agree: the ceiling a matcher can be held to.

    python3 bench/realnews/agreement.py [--labels labels.jsonl] [--json]

labels.jsonl holds, beside the labels in force (`relevant`, `topics`), the two independent
passes they were settled from: `first` and `second`, each {"relevant", "topics"}. The second
labeler saw only the headline and lede, never the first labels nor a matcher's output.

Printed: relevance agreement (share of items, Cohen's kappa), topic agreement as micro-F1 of
one pass against the other (symmetric: P of one is R of the other) over the eight topics of
../shared/topics/README.md, per topic, and how each pass scores against the labels in force.
"""
import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from score import read_jsonl  # noqa: E402

TOPICS = ["hormuz", "nuclear_talks", "irgc", "us_military", "mediation", "sanctions",
          "strikes", "protests_iran"]


def kappa(pairs):
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    pa = sum(a for a, _ in pairs) / n
    pb = sum(b for _, b in pairs) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def topic_agreement(rows, a, b):
    """Micro and per-topic F1 of pass b read against pass a."""
    per = {t: collections.Counter() for t in TOPICS}
    for row in rows:
        ta, tb = set(row[a]["topics"]), set(row[b]["topics"])
        for t in TOPICS:
            per[t][(t in ta, t in tb)] += 1

    def f1(c):
        tp, fp, fn = c[(True, True)], c[(False, True)], c[(True, False)]
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0

    total = sum(per.values(), collections.Counter())
    return {"micro_f1": f1(total),
            "topics": {t: {"in_a": c[(True, True)] + c[(True, False)],
                           "in_b": c[(True, True)] + c[(False, True)],
                           "both": c[(True, True)], "f1": f1(c)} for t, c in per.items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--labels", default=os.path.join(HERE, "labels.jsonl"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = [r for r in read_jsonl(a.labels) if "first" in r and "second" in r]
    if not rows:
        sys.exit(f"{a.labels}: no item carries both a first and a second pass")
    for r in rows:
        r["final"] = {"relevant": r["relevant"], "topics": r["topics"]}
    rel = [(bool(r["first"]["relevant"]), bool(r["second"]["relevant"])) for r in rows]
    result = {
        "items": len(rows),
        "relevance": {"agree": sum(x == y for x, y in rel) / len(rel), "kappa": kappa(rel)},
        "topics": topic_agreement(rows, "first", "second"),
        "first_vs_final": topic_agreement(rows, "final", "first")["micro_f1"],
        "second_vs_final": topic_agreement(rows, "final", "second")["micro_f1"],
    }
    if a.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{result['items']} items labeled twice, independently")
    print(f"relevance: same call on {result['relevance']['agree']:.3f} of items, "
          f"Cohen's kappa {result['relevance']['kappa']:.3f}")
    print(f"topics: micro-F1 of one pass against the other {result['topics']['micro_f1']:.3f}")
    print(f"        first pass against the labels in force {result['first_vs_final']:.3f}, "
          f"second {result['second_vs_final']:.3f}")
    print("\n  topic          first  second  both    F1")
    for t, c in result["topics"]["topics"].items():
        print(f"  {t:<14} {c['in_a']:5} {c['in_b']:7} {c['both']:5}  {c['f1']:.3f}")


if __name__ == "__main__":
    main()
