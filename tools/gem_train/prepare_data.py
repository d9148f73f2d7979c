#!/usr/bin/env python3
"""Pre-tokenises everything the GEM trainer needs with llama.cpp's own tokenizer (the reference the
Java runtime's tokenizer is tested against), so the GPU machine needs no tokenizer.

Run with the llama-cpp-python venv:
  ~/.cache/gemrag/venv-llamacpp/bin/python tools/gem_train/prepare_data.py \
      --gguf ~/.cache/gemrag/models/SmolLM2-135M-Instruct.Q4_1.gguf \
      --data /work/shared/data --out gemdata.npz [--fixture fixture.npz]

Writes one .npz with ragged token-id sets (ids uint16 concatenated + int64 offsets):
  train      train-sentences.txt minus the last --heldout lines (self-supervised training text)
  heldout    the last --heldout lines: held-out perplexity only, never trained on
  docs       man-dev documents as the Java eval embeds them: "title\ntext" (document_instruction "")
  q_<name>   man-dev queries, encode(instruction + query) for each candidate instruction
  qrel_doc   for each query, the index of its gold document
  chat       the ChatML prompt for the "capital of France" check, with the template's default system turn
  chat_nosys the same without the system turn
  vocab_hex  each token's bytes (hex) so the GPU side can decode the greedy completion
With --fixture, also llama.cpp's next-token logits (logits_all) on a few sentences for the
forward-pass check.
"""
import argparse
import json
from pathlib import Path

import numpy as np
from llama_cpp import Llama

# Generic instructions only (no man-page wording): the quick check picks among these.
INSTRUCTIONS = {
    "none": "",
    "question": "Given a question, retrieve passages that answer it: ",
    "search": "Given a search query, retrieve relevant passages: ",
}

# The model's template inserts this system turn when there is none; the base model itself does not
# answer "Paris" under it (llama.cpp and fp32 alike), so both renderings are checked.
CHAT_SYSTEM = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
CHAT_USER = "<|im_start|>user\nThe capital of France is<|im_end|>\n<|im_start|>assistant\n"


def ragged(seqs):
    off = np.zeros(len(seqs) + 1, dtype=np.int64)
    off[1:] = np.cumsum([len(s) for s in seqs])
    ids = np.fromiter((t for s in seqs for t in s), dtype=np.int64, count=int(off[-1]))
    assert ids.max(initial=0) < 65536
    return ids.astype(np.uint16), off


def read_jsonl(p):
    return [json.loads(line) for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--heldout", type=int, default=500)
    ap.add_argument("--fixture")
    a = ap.parse_args()

    tok = Llama(a.gguf, vocab_only=True, verbose=False)

    def enc(text):
        return tok.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    lines = [l for l in Path(a.data, "train-sentences.txt").read_text(encoding="utf-8").split("\n") if l.strip()]
    train_lines, held_lines = lines[:-a.heldout], lines[-a.heldout:]
    out = {}
    out["train_ids"], out["train_off"] = ragged([enc(l) for l in train_lines])
    out["heldout_ids"], out["heldout_off"] = ragged([enc(l) for l in held_lines])

    md = Path(a.data, "man-dev")
    corpus = read_jsonl(md / "corpus.jsonl")
    queries = read_jsonl(md / "queries.jsonl")
    doc_index = {d["_id"]: i for i, d in enumerate(corpus)}
    gold = {}
    for row in (md / "qrels" / "test.tsv").read_text().splitlines()[1:]:
        q, d, s = row.split("\t")
        if int(s) > 0:
            gold[q] = doc_index[d]
    queries = [q for q in queries if q["_id"] in gold]
    # Same text as the Java eval (BeirDataset.Doc.embeddingText): title + "\n" + text when there is a title.
    out["docs_ids"], out["docs_off"] = ragged(
        [enc(d["title"] + "\n" + d["text"] if d.get("title", "").strip() else d["text"]) for d in corpus])
    for name, instr in INSTRUCTIONS.items():
        out[f"q_{name}_ids"], out[f"q_{name}_off"] = ragged([enc(instr + q["text"]) for q in queries])
    out["qrel_doc"] = np.array([gold[q["_id"]] for q in queries], dtype=np.int32)
    out["chat"] = np.array(tok.tokenize((CHAT_SYSTEM + CHAT_USER).encode(), add_bos=False, special=True), dtype=np.int64)
    out["chat_nosys"] = np.array(tok.tokenize(CHAT_USER.encode(), add_bos=False, special=True), dtype=np.int64)
    n_vocab = tok.n_vocab()
    out["vocab_hex"] = np.array([tok.detokenize([i], special=True).hex() for i in range(n_vocab)])
    out["instructions_json"] = np.array(json.dumps(INSTRUCTIONS))
    np.savez_compressed(a.out, **out)
    print(f"train {len(train_lines)} lines / {len(out['train_ids'])} tokens; heldout {len(held_lines)} lines / "
          f"{len(out['heldout_ids'])} tokens; docs {len(corpus)}; queries {len(queries)}; vocab {n_vocab}")

    if a.fixture:
        llm = Llama(a.gguf, logits_all=True, n_ctx=512, n_batch=512, verbose=False, seed=0)
        sents = [held_lines[i] for i in (0, 100, 200, 300, 400)] + [
            "The quick brown fox jumps over the lazy dog.",
            corpus[0]["title"] + "\n" + corpus[0]["text"]]
        fx = {}
        for i, s in enumerate(sents):
            ids = enc(s)[:200]
            llm.reset()
            llm.eval(ids)
            logits = np.array(llm.scores[:len(ids)], dtype=np.float32)
            top = np.argsort(-logits, axis=1)[:, :64]
            fx[f"ids_{i}"] = np.array(ids, dtype=np.int64)
            fx[f"topids_{i}"] = top.astype(np.int32)  # llama.cpp's 64 best next tokens, best first
            fx[f"toplogits_{i}"] = np.take_along_axis(logits, top, axis=1)
        np.savez_compressed(a.fixture, **fx)
        print(f"fixture: {len(sents)} sentences, {sum(len(v) for k, v in fx.items() if k.startswith('ids'))} positions")


if __name__ == "__main__":
    main()
