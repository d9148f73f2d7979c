#!/usr/bin/env python3
"""Reference GEM embeddings of the committed adapter, for the Java runtime to reproduce.

Takes the first N man-dev queries and their gold documents, already tokenised by llama.cpp in the
prepare_data.py .npz (documents as "title\ntext", queries with the adapter's query instruction, which is
empty), runs this trainer's forward on CPU in fp32 with the LoRA merged, and writes ids, embeddings and
the query x document cosine matrix as JSON.

  ~/.cache/gemrag/venv-torch/bin/python tools/gem_train/expected_embeddings.py \
      --gguf ~/.cache/gemrag/models/SmolLM2-135M-Instruct.Q4_1.gguf --data target/gem/gemdata.npz \
      --adapter model-runtime/src/main/resources/dev/gemrag/model/gem/default/gem-smollm2-135m \
      --corpus shared/data/man-dev --out tools/gem_train/expected_embeddings.json
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
import gem_train as g  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--adapter", required=True, help="path without .json/.safetensors")
    ap.add_argument("--corpus", required=True, help="the man-dev folder (for the texts)")
    ap.add_argument("--out", required=True)
    ap.add_argument("-n", type=int, default=3)
    a = ap.parse_args()
    from safetensors.numpy import load_file
    desc = json.loads(Path(a.adapter + ".json").read_text())
    assert desc["query_instruction"] == "" and desc["document_instruction"] == "", "fixture assumes no instructions"
    tensors = load_file(a.adapter + ".safetensors")
    cfg, w = g.load_gguf(a.gguf)
    k, scale = desc["k"], desc["lora"]["alpha"] / desc["lora"]["rank"]
    for i in range(cfg["layers"]):
        for t in desc["lora"]["targets"]:
            key = f"layers.{i}.{t}"
            w[key] = w[key] + scale * (tensors[key + ".lora_b"] @ tensors[key + ".lora_a"])
    torch.set_num_threads(2)
    model = g.plain_model(cfg, w, tensors["summary_embeddings"], "cpu")
    data = g.Data(a.data)
    corpus = [json.loads(l) for l in Path(a.corpus, "corpus.jsonl").read_text().splitlines() if l.strip()]
    queries = [json.loads(l) for l in Path(a.corpus, "queries.jsonl").read_text().splitlines() if l.strip()]
    qids = list(range(a.n))
    dids = [data.gold[q] for q in qids]
    qseq = [data.queries["none"][q] for q in qids]
    dseq = [data.docs[d][:desc["max_tokens"] - k] for d in dids]
    qe = g.embed(model, qseq, "gem", k, cfg["vocab"], desc["max_tokens"], "cpu")
    de = g.embed(model, dseq, "gem", k, cfg["vocab"], desc["max_tokens"], "cpu")
    doc = lambda d: d["title"] + "\n" + d["text"] if d.get("title", "").strip() else d["text"]
    out = {
        "adapter": Path(a.adapter).name, "k": k, "note": "GEM embeddings (fp32, CPU, LoRA merged) of the first "
        f"{a.n} man-dev queries and their gold documents; ids are llama.cpp's (no BOS), summary id = vocab + j "
        "appended after them",
        "queries": [{"text": queries[q]["text"], "ids": [int(x) for x in s], "embedding": e.tolist()}
                    for q, s, e in zip(qids, qseq, qe)],
        "documents": [{"id": corpus[d]["_id"], "text": doc(corpus[d]), "ids": [int(x) for x in s],
                       "embedding": e.tolist()} for d, s, e in zip(dids, dseq, de)],
        "cosine_query_x_document": (qe @ de.T).tolist(),
    }
    Path(a.out).write_text(json.dumps(out) + "\n")
    print(json.dumps(out["cosine_query_x_document"]))


if __name__ == "__main__":
    main()
