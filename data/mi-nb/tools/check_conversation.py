#!/usr/bin/env python3
"""Check written conversations (data/mi-nb/samtaler/*.csv) against the guide.

Usage: check_conversation.py FILE.csv [FILE.csv ...]

Fails (exit 1) on a wrong header, a transcript id that does not match the file
name, utterance ids that are not 0, 1, 2 … in order, an empty or multi-line
text, an unknown label, a therapist row without its subtype or with a client
label, a client row with therapist labels. Prints the counts per label.
"""
import csv
import os
import sys
from collections import Counter

HEADER = ["transcript_id", "mi_quality", "topic", "utterance_id", "interlocutor", "utterance_text",
          "main_therapist_behaviour", "client_talk_type", "question_subtype", "reflection_subtype",
          "therapist_input_subtype"]
SUBTYPES = {
    "question": ("question_subtype", {"open", "closed"}),
    "reflection": ("reflection_subtype", {"simple", "complex"}),
    "therapist_input": ("therapist_input_subtype", {"information", "advice", "negotiation", "options"}),
}


def check(path, counts):
    bad = []
    tid = os.path.splitext(os.path.basename(path))[0]
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != HEADER:
            return [f"{path}: header must be {','.join(HEADER)}"]
        rows = list(reader)
    if not rows:
        return [f"{path}: no rows"]
    for i, r in enumerate(rows):
        where = f"{path}:{i + 2}"
        if r["transcript_id"] != tid:
            bad.append(f"{where}: transcript_id {r['transcript_id']} in the file for {tid}")
        if r["utterance_id"] != str(i):
            bad.append(f"{where}: utterance_id {r['utterance_id']}, expected {i}")
        if r["mi_quality"] not in ("high", "low"):
            bad.append(f"{where}: mi_quality must be high or low")
        text = (r["utterance_text"] or "").strip()
        if not text or "\n" in text or "\r" in text:
            bad.append(f"{where}: empty or multi-line text")
        for col, allowed in (("question_subtype", {"n/a", "open", "closed"}),
                             ("reflection_subtype", {"n/a", "simple", "complex"}),
                             ("therapist_input_subtype", {"n/a", "information", "advice", "negotiation", "options"})):
            if r[col] not in allowed:
                bad.append(f"{where}: {col} {r[col]!r} is not one of {sorted(allowed)}")
        if r["interlocutor"] == "therapist":
            m = r["main_therapist_behaviour"]
            if r["client_talk_type"] != "n/a":
                bad.append(f"{where}: therapist row with a client_talk_type")
            if m == "other":
                pass
            elif m in SUBTYPES:
                col, allowed = SUBTYPES[m]
                if r[col] not in allowed:
                    bad.append(f"{where}: {m} needs {col} in {sorted(allowed)}")
            else:
                bad.append(f"{where}: main_therapist_behaviour {m!r} unknown")
            counts["therapist " + m] += 1
        elif r["interlocutor"] == "client":
            if r["client_talk_type"] not in ("change", "neutral", "sustain"):
                bad.append(f"{where}: client_talk_type {r['client_talk_type']!r} unknown")
            if any(r[c] != "n/a" for c in HEADER[6:7] + HEADER[8:]):
                bad.append(f"{where}: client row with therapist labels")
            counts["client " + r["client_talk_type"]] += 1
        else:
            bad.append(f"{where}: interlocutor must be therapist or client")
    counts["utterances"] += len(rows)
    counts["conversations"] += 1
    return bad


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    counts = Counter()
    bad = []
    for p in sys.argv[1:]:
        bad += check(p, counts)
    for line in bad:
        print(line)
    for k in sorted(counts):
        print(f"{k}: {counts[k]}")
    print("ok" if not bad else f"{len(bad)} problem(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
