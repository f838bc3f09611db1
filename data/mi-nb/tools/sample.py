#!/usr/bin/env python3
"""Draw the second-pass samples (a fixed random 10 % of each part) and write
worksheets for the reviewers.

Usage: sample.py ANNOMI_DIR OUT_DIR

Writes OUT_DIR/annomi-sample.tsv (id, speaker, labels, English, Norwegian:
checked for meaning and MI function) and OUT_DIR/samtaler-blind.tsv (id, the
three utterances before it, speaker, text, with no labels: labelled blind),
plus OUT_DIR/samtaler-gold.tsv with the writers' labels for the comparison.
The seed is fixed, so the same data always gives the same sample.
"""
import csv
import glob
import os
import random
import sys

SEED = 20261204


def label_string(r):
    if r["interlocutor"] == "therapist":
        parts = [r["main_therapist_behaviour"]]
        for col in ("question_subtype", "reflection_subtype", "therapist_input_subtype"):
            if r.get(col, "n/a") not in ("n/a", ""):
                parts.append(r[col])
        return "/".join(parts)
    return r["client_talk_type"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, out = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    rng = random.Random(SEED)

    english = {(r["transcript_id"], r["utterance_id"]): r
               for r in csv.DictReader(open(f"{base}/train-simple.csv", encoding="utf-8"))}
    norwegian = []
    for f in sorted(glob.glob(f"{root}/annomi-nb/*.csv")):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            norwegian.append(r)
    norwegian.sort(key=lambda r: (int(r["transcript_id"]), int(r["utterance_id"])))
    sample = sorted(rng.sample(range(len(norwegian)), round(len(norwegian) / 10)))
    with open(f"{out}/annomi-sample.tsv", "w", encoding="utf-8") as w:
        w.write("id\tspeaker\tlabel\tenglish\tnorwegian\n")
        for i in sample:
            r = norwegian[i]
            e = english[(r["transcript_id"], r["utterance_id"])]
            w.write(f'{r["transcript_id"]}:{r["utterance_id"]}\t{e["interlocutor"]}\t{label_string(e)}\t'
                    f'{e["utterance_text"]}\t{r["utterance_text"]}\n')

    rows = []
    for f in sorted(glob.glob(f"{root}/samtaler/*.csv")):
        conv = list(csv.DictReader(open(f, encoding="utf-8")))
        for k, r in enumerate(conv):
            rows.append((conv, k))
    sample = sorted(rng.sample(range(len(rows)), round(len(rows) / 10)))
    with open(f"{out}/samtaler-blind.tsv", "w", encoding="utf-8") as w, \
         open(f"{out}/samtaler-gold.tsv", "w", encoding="utf-8") as g:
        w.write("id\tcontext\tspeaker\ttext\n")
        g.write("id\tlabel\n")
        for i in sample:
            conv, k = rows[i]
            r = conv[k]
            ctx = " || ".join(f'{c["interlocutor"][0].upper()}: {c["utterance_text"]}' for c in conv[max(0, k - 3):k])
            rid = f'{r["transcript_id"]}:{r["utterance_id"]}'
            w.write(f'{rid}\t{ctx}\t{r["interlocutor"]}\t{r["utterance_text"]}\n')
            g.write(f'{rid}\t{label_string(r)}\n')


if __name__ == "__main__":
    main()
