#!/usr/bin/env python3
"""Builds the faq-qa answer dev set (BEIR layout + answers.jsonl) from /work/shared/data/pairs/pairs.jsonl.

Held-out rule: every pair of kind "faq-qa" whose 1-based line number in pairs.jsonl is divisible by 10.
From those, 50 are drawn with random.Random(10) (fixed seed); see README.md.
"""
import json, os, random, re, sys

PAIRS = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/pairs/pairs.jsonl"
OUT = os.path.dirname(os.path.abspath(__file__))
N = 50
GOLD_WORDS = 50

held = []
with open(PAIRS, encoding="utf-8") as f:
    for line_no, line in enumerate(f, start=1):
        p = json.loads(line)
        if p.get("kind") == "faq-qa" and line_no % 10 == 0:
            held.append((line_no, p))
rng = random.Random(10)
chosen = sorted(rng.sample(held, min(N, len(held))), key=lambda x: x[0])


def gold(passage):
    """Whole leading sentences of the passage, up to GOLD_WORDS words (at least one sentence)."""
    sentences = re.split(r"(?<=[.!?])\s+", passage.strip())
    out, words = [], 0
    for s in sentences:
        n = len(s.split())
        if out and words + n > GOLD_WORDS:
            break
        out.append(s)
        words += n
    return " ".join(out)


os.makedirs(os.path.join(OUT, "qrels"), exist_ok=True)
with open(os.path.join(OUT, "corpus.jsonl"), "w", encoding="utf-8") as c, \
        open(os.path.join(OUT, "queries.jsonl"), "w", encoding="utf-8") as q, \
        open(os.path.join(OUT, "answers.jsonl"), "w", encoding="utf-8") as a, \
        open(os.path.join(OUT, "qrels", "test.tsv"), "w", encoding="utf-8") as r:
    r.write("query-id\tcorpus-id\tscore\n")
    for line_no, p in chosen:
        doc, qid = f"faq-{line_no}", f"q-{line_no}"
        title = p["source"].split(":")[0] + " FAQ"
        c.write(json.dumps({"_id": doc, "title": title, "text": p["passage"]}) + "\n")
        q.write(json.dumps({"_id": qid, "text": p["query"]}) + "\n")
        a.write(json.dumps({"query_id": qid, "answer": gold(p["passage"])}) + "\n")
        r.write(f"{qid}\t{doc}\t1\n")
print(f"held out {len(held)} faq-qa pairs (line % 10 == 0), wrote {len(chosen)} to {OUT}")
