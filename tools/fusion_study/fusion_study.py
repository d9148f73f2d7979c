"""Offline fusion study on the candidate lists of `./gemrag eval --dump-candidates FILE`.

Re-fuses each query's dense and sparse lists (exactly what the product's retriever returned) in
several ways and prints nDCG@10 for each, so fusion ideas can be compared without re-embedding.
The weighted min-max rows reproduce the eval's hybrid-w<W> rows (check that first).

usage: python3 fusion_study.py DUMP.jsonl BEIR_DIR     (plain Python 3, no packages)

The title leg is an estimate: BM25 (k1 1.2, b 0.75) over the documents' titles computed here with
\\w+ tokens (close to Milvus' standard analyzer), not through Milvus.
"""
import json
import math
import re
import sys
from collections import Counter, defaultdict


def load(dump, beir):
    docs = {}
    for line in open(f"{beir}/corpus.jsonl"):
        d = json.loads(line)
        docs[d["_id"]] = d
    qtext = {}
    for line in open(f"{beir}/queries.jsonl"):
        q = json.loads(line)
        qtext[q["_id"]] = q["text"]
    qrels = {}
    for line in open(f"{beir}/qrels/test.tsv").read().splitlines()[1:]:
        q, d, rel = line.split("\t")
        qrels.setdefault(q, {})[d] = int(rel)
    rows = [json.loads(line) for line in open(dump)]
    return docs, qtext, qrels, rows


def ndcg10(ranking, rel):
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    return dcg / sum(r / math.log2(i + 2) for i, r in enumerate(ideal))


def min_max(vals):
    lo, hi = min(vals), max(vals)
    return [1.0 if hi == lo else (v - lo) / (hi - lo) for v in vals]


def z_score(vals):
    n = len(vals)
    mean = sum(vals) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / n)
    return [0.0 if sd == 0 else (v - mean) / sd for v in vals]


def to_docs(leg, agg):
    """Chunk hits -> one hit per document: its best chunk ('max') or the sum of its best k ('sumK')."""
    by_doc = defaultdict(list)
    for _, d, s in leg:
        by_doc[d].append(s)
    if agg == "max":
        out = [(d, d, max(v)) for d, v in by_doc.items()]
    else:
        k = int(agg[3:])
        out = [(d, d, sum(sorted(v, reverse=True)[:k])) for d, v in by_doc.items()]
    return sorted(out, key=lambda x: -x[2])


def fuse(legs, depth=50, norm=min_max, agg="chunk", mnz=False):
    """legs: [(weight, [(key, doc, score), ...] best first)]; returns documents, best first."""
    total, count, best = defaultdict(float), Counter(), {}
    lowest = []
    for w, leg in legs:
        leg = leg[:depth] if agg == "chunk" else to_docs(leg[:depth], agg)
        if not leg:
            lowest.append((w, set(), 0.0))
            continue
        nv = norm([s for _, _, s in leg])
        keys = set()
        for r, ((c, d, _), v) in enumerate(zip(leg, nv)):
            total[(c, d)] += w * v
            count[(c, d)] += 1
            best[(c, d)] = min(best.get((c, d), 10**9), r)
            keys.add((c, d))
        lowest.append((w, keys, min(nv) if norm is z_score else 0.0))
    for w, keys, low in lowest:  # a key missing from a leg gets that leg's missing value
        for k in total:
            if k not in keys:
                total[k] += w * low
    score = {k: total[k] * (count[k] if mnz else 1) for k in total}
    out = []
    for c, d in sorted(score, key=lambda k: (-score[k], best[k], k[0])):
        if d not in out:
            out.append(d)
    return out


def main():
    docs, qtext, qrels, rows = load(sys.argv[1], sys.argv[2])
    tok = lambda s: re.findall(r"\w+", s.lower())
    ids = list(docs)
    titles = [tok(docs[i]["title"]) for i in ids]
    avg = sum(map(len, titles)) / len(titles)
    df = Counter()
    for t in titles:
        df.update(set(t))

    def title_bm25(q, k1=1.2, b=0.75):
        out = {}
        for w in tok(q):
            if w not in df:
                continue
            idf = math.log(1 + (len(ids) - df[w] + 0.5) / (df[w] + 0.5))
            for i, t in enumerate(titles):
                f = t.count(w)
                if f:
                    out[ids[i]] = out.get(ids[i], 0) + idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(t) / avg))
        return sorted(((d, d, s) for d, s in out.items()), key=lambda x: -x[2])

    title = {r["query"]: title_bm25(qtext[r["query"]]) for r in rows}

    def evaluate(fn):
        return round(sum(ndcg10(fn(r), qrels[r["query"]]) for r in rows) / len(rows), 4)

    def two(r, w):
        return [(w, r["dense"]), (1 - w, r["sparse"])]

    def confident(r, w):  # a leg's weight scaled by how far its best candidate stands out
        c = [max(z_score([x[2] for x in leg[:50]])[0], 1e-3) if len(leg) > 1 else 1.0
             for leg in (r["dense"], r["sparse"])]
        wd = w * c[0] / (w * c[0] + (1 - w) * c[1])
        return fuse(two(r, wd))

    weights = (0.4, 0.5, 0.6)
    print("dense alone", evaluate(lambda r: fuse([(1, r["dense"])])))
    print("sparse alone", evaluate(lambda r: fuse([(1, r["sparse"])])))
    print("weighted min-max (the product's)", [evaluate(lambda r: fuse(two(r, w))) for w in weights])
    print("weighted z-score", [evaluate(lambda r: fuse(two(r, w), norm=z_score)) for w in weights])
    print("depth 10/20/30/40, dense 0.5", [evaluate(lambda r: fuse(two(r, 0.5), depth=k)) for k in (10, 20, 30, 40)])
    for agg in ("max", "sum2"):
        print("document-level", agg, [evaluate(lambda r: fuse(two(r, w), agg=agg)) for w in weights])
    print("+ title leg 0.05/0.1/0.2, dense 0.5", [
        evaluate(lambda r: fuse([(0.5, r["dense"]), (0.5 - t, r["sparse"]), (t, title[r["query"]])], agg="max"))
        for t in (0.05, 0.1, 0.2)])
    print("CombMNZ", [evaluate(lambda r: fuse(two(r, w), mnz=True)) for w in weights])
    print("per-query leg confidence", [evaluate(lambda r: confident(r, w)) for w in weights])


if __name__ == "__main__":
    main()
