#!/usr/bin/env python3
"""Check translated AnnoMI files against the English source.

Usage: check.py ANNOMI_DIR FILE.csv [FILE.csv ...]

Each FILE is data/mi-nb/annomi-nb/<transcript_id>.csv with the header
transcript_id,utterance_id,utterance_text. The check fails (exit 1) on: a
missing, extra or repeated utterance id; an empty text; a line break inside a
text; a text that still looks English (several common English words); a
transcript id that does not match the file name.
"""
import csv
import os
import re
import sys

ENGLISH = re.compile(r"\b(the|and|you|what|that|with|this|have|your|about|would|think)\b", re.I)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base = sys.argv[1]
    src = {}
    for r in csv.DictReader(open(f"{base}/train-simple.csv", encoding="utf-8")):
        src.setdefault(r["transcript_id"], set()).add(r["utterance_id"])
    bad = 0
    for path in sys.argv[2:]:
        tid = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames != ["transcript_id", "utterance_id", "utterance_text"]:
                print(f"{path}: header must be transcript_id,utterance_id,utterance_text")
                bad += 1
                continue
            seen = set()
            for line, r in enumerate(reader, start=2):
                where = f"{path}:{line}"
                if r["transcript_id"] != tid:
                    print(f"{where}: transcript_id {r['transcript_id']} in the file for {tid}"); bad += 1
                uid = r["utterance_id"]
                if uid in seen:
                    print(f"{where}: utterance {uid} twice"); bad += 1
                seen.add(uid)
                text = (r["utterance_text"] or "").strip()
                if not text:
                    print(f"{where}: empty text"); bad += 1
                if "\n" in text or "\r" in text:
                    print(f"{where}: line break in text"); bad += 1
                if len(ENGLISH.findall(text)) >= 3:
                    print(f"{where}: looks English: {text[:80]}"); bad += 1
            want = src.get(tid, set())
            for uid in sorted(want - seen, key=int):
                print(f"{path}: utterance {uid} missing"); bad += 1
            for uid in sorted(seen - want, key=int):
                print(f"{path}: utterance {uid} is not in the source"); bad += 1
    print("ok" if not bad else f"{bad} problem(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
