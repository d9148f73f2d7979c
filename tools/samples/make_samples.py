#!/usr/bin/env python3
"""Builds tools/src/main/resources/samples/documents.jsonl from the man-dev BEIR corpus.

Usage: python3 tools/samples/make_samples.py data/man-dev tools/src/main/resources/samples
The subset is the fixed list SUBSET below (everyday file, text, archive, network and process
commands); each document keeps the corpus text unchanged, the page name as title, and its
man-dev query (the NAME line) as metadata.
"""
import json
import os
import sys

SUBSET = """cat cp mv rm mkdir rmdir ls ln touch chmod chown df du find grep sed sort uniq wc head tail
cut tr tar gzip zgrep rsync scp ssh ssh-keygen curl ps kill top free uptime date sleep timeout
xargs tee split shred less man whereis md5sum sha256sum base64 nohup""".split()


def main(src, out):
    corpus = {}
    with open(os.path.join(src, "corpus.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            corpus[d["_id"]] = d
    queries = {}
    with open(os.path.join(src, "queries.jsonl"), encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)
            queries[q["_id"]] = q["text"]
    gold = {}
    with open(os.path.join(src, "qrels", "test.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            qid, did, _ = line.rstrip("\n").split("\t")
            gold[did] = queries[qid]
    by_title = {d["title"]: d for d in corpus.values()}
    with open(os.path.join(out, "documents.jsonl"), "w", encoding="utf-8") as f:
        for name in SUBSET:
            d = by_title[name]
            section = d["_id"].rsplit(".", 1)[1]
            f.write(json.dumps({
                "id": d["_id"], "title": d["title"], "text": d["text"],
                "url": "man:%s(%s)" % (d["title"], section),
                "metadata": {"source": "man-dev", "section": section, "name_line": gold[d["_id"]]},
            }, ensure_ascii=False) + "\n")
    print("wrote %d documents" % len(SUBSET))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
