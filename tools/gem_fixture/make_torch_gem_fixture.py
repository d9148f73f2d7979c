#!/usr/bin/env python3
"""Cross-implementation fixture for the Java GEM embedder: a small random adapter (k=2, LoRA rank 2 on
wq and w2, B non-zero) on the default GGUF and the embeddings PyTorch computes for a few fixed id rows
with GEM, MEAN and LAST pooling, using the trainer's own forward (tools/gem_train/gem_train.py).

  ~/.cache/gemrag/venv-torch/bin/python tools/gem_fixture/make_torch_gem_fixture.py \
      --gguf ~/.cache/gemrag/models/SmolLM2-135M-Instruct.Q4_1.gguf \
      --out model-runtime/src/test/resources/gem/torch-fixture

Writes fixture.json (descriptor) + fixture.safetensors (adapter) + embeddings.json. The Java side
(TorchGemFixtureIT) loads the adapter through ModelRuntime and must reproduce the vectors.
"""
import argparse
import hashlib
import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "gem_train"))
import gem_train as gt  # noqa: E402

K, RANK, ALPHA, TARGETS = 2, 2, 4.0, ["wq", "w2"]
ROWS = [  # token ids (no BOS): arbitrary in-vocabulary ids of different lengths
    [504, 3767, 282, 1876, 2752, 30, 3493, 28, 260, 2375, 4829],
    [27607, 1645, 314, 1379],
    [1782, 392, 314, 3587, 282, 3050, 355, 1073, 30, 378, 2038, 1176, 253, 2447, 282, 4270, 41, 198, 1431, 25],
]


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(Path(a.gguf).read_bytes()).hexdigest()
    cfg, w = gt.load_gguf(a.gguf)
    rng = np.random.default_rng(7)
    h = cfg["hidden"]
    summary = rng.standard_normal((K, h)).astype(np.float32) * float(np.std(w["token_embd"]))
    model = gt.Llama(cfg, w, summary, rank=RANK, alpha=ALPHA, seed=3)
    tensors = {"summary_embeddings": summary}
    lora = {}
    for i in range(cfg["layers"]):
        for t in gt.TARGETS:
            if t in TARGETS:
                o, n = w[f"layers.{i}.{t}"].shape
                A = (rng.standard_normal((RANK, n)) * 0.05).astype(np.float32)
                B = (rng.standard_normal((o, RANK)) * 0.05).astype(np.float32)
                tensors[f"layers.{i}.{t}.lora_a"], tensors[f"layers.{i}.{t}.lora_b"] = A, B
                lora[f"{i}_{t}_a"], lora[f"{i}_{t}_b"] = A, B
            else:
                o, n = w[f"layers.{i}.{t}"].shape
                lora[f"{i}_{t}_a"], lora[f"{i}_{t}_b"] = np.zeros((RANK, n), np.float32), np.zeros((o, RANK), np.float32)
    with torch.no_grad():
        for key, v in lora.items():
            model.lora[key].copy_(torch.as_tensor(v))
    write_safetensors(out / "fixture.safetensors", tensors)
    desc = {"format": "gemrag-gem-adapter/1", "base_model": {"name": Path(a.gguf).name, "sha256": sha},
            "summary_tokens": [f"<|gem_summary_{j}|>" for j in range(K)], "k": K, "pooling": "gem",
            "normalize": True, "query_instruction": "", "document_instruction": "", "max_tokens": 512,
            "lora": {"rank": RANK, "alpha": ALPHA, "targets": TARGETS},
            "training": {"command": "tools/gem_fixture/make_torch_gem_fixture.py (random, untrained)", "seed": 7,
                         "steps": 0, "data": "none"}}
    (out / "fixture.json").write_text(json.dumps(desc, indent=2) + "\n")
    seqs = [np.array(r, dtype=np.int64) for r in ROWS]
    res = {"rows": ROWS, "vocab": cfg["vocab"], "k": K}
    for mode in ("gem", "mean", "last"):
        e = gt.embed(model, seqs, mode, K, cfg["vocab"], 512, "cpu", batch=len(seqs))
        res[mode] = e.double().numpy().round(7).tolist()
    (out / "embeddings.json").write_text(json.dumps(res) + "\n")
    print("fixture written to", out)


if __name__ == "__main__":
    main()
