#!/usr/bin/env python3
"""Print one AnnoMI transcript as a worksheet for the Norwegian translation.

Usage: worksheet.py ANNOMI_DIR TRANSCRIPT_ID

Each line: utterance id, speaker (T = therapist, C = client), the labels the
translation must keep, and the English text. Subtype labels come from
train-full.csv (the majority over annotators; ties list both).
"""
import csv
import sys
from collections import Counter, defaultdict


def subtypes(full_rows):
    votes = defaultdict(lambda: defaultdict(Counter))
    for r in full_rows:
        key = r["utterance_id"]
        for col in ("question_subtype", "reflection_subtype", "therapist_input_subtype"):
            if r[col] != "n/a":
                votes[key][col][r[col]] += 1
    out = {}
    for key, cols in votes.items():
        parts = []
        for col, c in cols.items():
            top = max(c.values())
            best = "/".join(sorted(v for v, n in c.items() if n == top))
            parts.append(f"{col.split('_')[0]}:{best}")
        out[key] = " ".join(parts)
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, tid = sys.argv[1], sys.argv[2]
    simple = [r for r in csv.DictReader(open(f"{base}/train-simple.csv", encoding="utf-8")) if r["transcript_id"] == tid]
    if not simple:
        sys.exit(f"no transcript {tid} in {base}/train-simple.csv")
    full = [r for r in csv.DictReader(open(f"{base}/train-full.csv", encoding="utf-8")) if r["transcript_id"] == tid]
    subs = subtypes(full)
    first = simple[0]
    print(f"# transcript {tid}: {first['topic']} (MI quality: {first['mi_quality']}), {len(simple)} utterances")
    for r in sorted(simple, key=lambda r: int(r["utterance_id"])):
        who = "T" if r["interlocutor"] == "therapist" else "C"
        label = r["main_therapist_behaviour"] if who == "T" else r["client_talk_type"]
        extra = subs.get(r["utterance_id"], "")
        print(f"{r['utterance_id']}\t{who}\t{label}{(' ' + extra) if extra else ''}\t{r['utterance_text']}")


if __name__ == "__main__":
    main()
