#!/usr/bin/env python3
"""Cohen's kappa between the writers' labels and a blind second labelling.

Usage: kappa.py GOLD.tsv RELABEL.tsv

Both files: id<TAB>label, labels as sample.py writes them
(`question/open`, `reflection/complex`, `therapist_input/advice`, `other`,
`change`, `neutral`, `sustain`). Prints, per task, the number of items,
the observed agreement and Cohen's kappa:
  main       therapist main behaviour (the part before the first /)
  talk       client talk type
  question   open/closed, where both put question
  reflection simple/complex, where both put reflection
  input      input subtype, where both put therapist_input
"""
import csv
import sys
from collections import Counter


def read(path):
    with open(path, encoding="utf-8") as f:
        return {r["id"]: r["label"] for r in csv.DictReader(f, delimiter="\t")}


def kappa(pairs):
    n = len(pairs)
    if n == 0:
        return 0, 0.0, float("nan")
    po = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return n, po, (po - pe) / (1 - pe) if pe < 1 else float("nan")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    gold, other = read(sys.argv[1]), read(sys.argv[2])
    if set(gold) != set(other):
        sys.exit(f"the files have different ids: {sorted(set(gold) ^ set(other))[:5]}")
    tasks = {"main": [], "talk": [], "question": [], "reflection": [], "input": []}
    for i, g in gold.items():
        o = other[i]
        if g in ("change", "neutral", "sustain"):
            tasks["talk"].append((g, o))
            continue
        gm, om = g.split("/")[0], o.split("/")[0]
        tasks["main"].append((gm, om))
        sub = {"question": "question", "reflection": "reflection", "therapist_input": "input"}
        if gm == om and gm in sub and "/" in g and "/" in o:
            tasks[sub[gm]].append((g.split("/")[1], o.split("/")[1]))
    print("| task | items | agreement | Cohen's kappa |")
    print("|---|---|---|---|")
    for t, pairs in tasks.items():
        n, po, k = kappa(pairs)
        print(f"| {t} | {n} | {po:.2f} | {k:.2f} |")


if __name__ == "__main__":
    main()
