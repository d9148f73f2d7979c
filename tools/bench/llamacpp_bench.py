#!/usr/bin/env python3
"""llama.cpp side of `./gemrag bench`: prefill and decode throughput on a GGUF, printed as JSON.

Measures, with the given thread count (both n_threads and n_threads_batch):
  - prefill tokens/s for each requested prompt length (one llama_decode of the whole prompt,
    logits for the last position only, fresh KV cache each repeat; best of --repeats);
  - decode tokens/s at batch 1: greedy arg-max, one token per llama_decode, after a prompt;
  - decode tokens/s at batch 8: 8 sequences (seq ids 0..7) in one context, each step one
    llama_decode of 8 tokens (one per sequence). Throughput = 8 * steps / time.
Decode never stops at an end token, so every run produces exactly --decode-tokens tokens per sequence.

Token ids come from --tokens (a JSON file {"prompt": [...]}, written by the Java side so that both
runtimes see the same ids) or, standalone, from --text tokenized by llama.cpp (repeated to length).

  ~/.cache/gemrag/venv-llamacpp/bin/python tools/bench/llamacpp_bench.py \
      --model ~/.cache/gemrag/models/SmolLM2-135M-Instruct.Q4_1.gguf \
      --text model-runtime/src/test/resources/heldout-prose.txt --threads 2
"""
import argparse
import ctypes
import json
import sys
import time

import llama_cpp
import llama_cpp._logger as llama_logger
import numpy as np


def peak_rss_mib():
    """VmHWM of this process. Not getrusage's ru_maxrss: Linux carries that across exec, so a child of
    a 1.5 GB JVM would report the JVM's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class Context:
    """A llama.cpp context with its own KV cache and a reusable batch."""

    def __init__(self, model, n_ctx, n_batch, n_seq, threads):
        p = llama_cpp.llama_context_default_params()
        p.n_ctx = n_ctx
        p.n_batch = n_batch
        p.n_ubatch = n_batch
        p.n_seq_max = n_seq
        p.n_threads = threads
        p.n_threads_batch = threads
        self.ctx = llama_cpp.llama_init_from_model(model, p)
        if not self.ctx:
            raise RuntimeError("llama_init_from_model failed")
        self.batch = llama_cpp.llama_batch_init(n_batch, 0, n_seq)
        self.n_vocab = llama_cpp.llama_vocab_n_tokens(llama_cpp.llama_model_get_vocab(model))

    def clear(self):
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self.ctx), True)

    def decode(self, items):
        """items: (token, pos, seq_id, want_logits). Returns the batch indices that carry logits."""
        b = self.batch
        b.n_tokens = len(items)
        for i, (tok, pos, seq, want) in enumerate(items):
            b.token[i] = tok
            b.pos[i] = pos
            b.n_seq_id[i] = 1
            b.seq_id[i][0] = seq
            b.logits[i] = 1 if want else 0
        rc = llama_cpp.llama_decode(self.ctx, b)
        if rc != 0:
            raise RuntimeError("llama_decode returned %d" % rc)

    def argmax(self, i):
        ptr = llama_cpp.llama_get_logits_ith(self.ctx, i)
        row = np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))
        return int(row.argmax())

    def close(self):
        llama_cpp.llama_batch_free(self.batch)
        llama_cpp.llama_free(self.ctx)


def prefill_tok_s(model, prompt, threads, repeats):
    n = len(prompt)
    c = Context(model, n_ctx=max(n + 16, 256), n_batch=max(n, 32), n_seq=1, threads=threads)
    best = float("inf")
    try:
        for r in range(repeats + 1):  # the first run warms up and is not counted
            c.clear()
            t0 = time.perf_counter()
            c.decode([(t, i, 0, i == n - 1) for i, t in enumerate(prompt)])
            c.argmax(n - 1)  # forces the result to be there
            dt = time.perf_counter() - t0
            if r > 0:
                best = min(best, dt)
    finally:
        c.close()
    return n / best


def decode_tok_s(model, prompt, batch, steps, threads, repeats):
    n = len(prompt)
    per_seq = -(-(n + steps + 8) // 256) * 256  # llama.cpp rounds each sequence's share to 256 slots
    c = Context(model, n_ctx=batch * per_seq, n_batch=max(batch * n, 64), n_seq=batch, threads=threads)
    best = float("inf")
    try:
        for r in range(repeats + 1):
            c.clear()
            items = []
            for s in range(batch):
                # Each sequence gets a slightly different prompt (rotated) so they do not coincide.
                p = prompt[s:] + prompt[:s]
                items += [(t, i, s, i == n - 1) for i, t in enumerate(p)]
            c.decode(items)
            nxt = [c.argmax(s * n + n - 1) for s in range(batch)]
            t0 = time.perf_counter()
            for step in range(steps):
                c.decode([(nxt[s], n + step, s, True) for s in range(batch)])
                nxt = [c.argmax(s) for s in range(batch)]
            dt = time.perf_counter() - t0
            if r > 0:
                best = min(best, dt)
    finally:
        c.close()
    return batch * steps / best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", help="JSON file {\"prompt\": [ids...]} (at least max prefill length)")
    ap.add_argument("--text", help="text file to tokenize instead of --tokens ('#' lines skipped)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prefill", default="128,512")
    ap.add_argument("--decode-prompt", type=int, default=32)
    ap.add_argument("--decode-tokens", type=int, default=64)
    ap.add_argument("--batches", default="1,8")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    llama_logger.set_verbose(False)  # llama.cpp's own load log would drown the JSON
    llama_cpp.llama_backend_init()
    mp = llama_cpp.llama_model_default_params()
    # No extra buffer types: on this AMX CPU (Sapphire Rapids class, Firecracker VM) ggml repacks Q4_1
    # weights into its AMX buffer and then segfaults at `ldtilecfg` in ggml_backend_amx_mul_mat (gdb),
    # with or without arch_prctl(ARCH_REQ_XCOMP_PERM); AMX itself works from plain C here. Known upstream:
    # ggml-org/llama.cpp#20824, fix proposed in #26954 (tile config built on the stack is optimised away).
    # The plain CPU buffer runs ggml's AVX-512/AVX2 Q4_1 kernels, as on a CPU without AMX.
    mp.use_extra_bufts = False
    model = llama_cpp.llama_model_load_from_file(args.model.encode("utf-8"), mp)
    if not model:
        raise SystemExit("cannot load model " + args.model)
    prefill_lengths = [int(x) for x in args.prefill.split(",")]
    need = max(prefill_lengths + [args.decode_prompt + 8])

    if args.tokens:
        with open(args.tokens) as f:
            prompt = json.load(f)["prompt"]
        source = "ids from " + args.tokens
    else:
        with open(args.text, encoding="utf-8") as f:
            text = "\n".join(l.rstrip("\n") for l in f if not l.startswith("#") and l.strip())
        vocab = llama_cpp.llama_model_get_vocab(model)
        raw = text.encode("utf-8")
        buf = (llama_cpp.llama_token * (len(raw) + 16))()
        n = llama_cpp.llama_tokenize(vocab, raw, len(raw), buf, len(buf), False, False)
        ids = list(buf[:n])
        prompt = (ids * (need // len(ids) + 1))
        source = "llama.cpp tokens of " + args.text + " (repeated)"
    if len(prompt) < need:
        raise SystemExit("need %d prompt tokens, got %d" % (need, len(prompt)))

    out = {"runtime": "llama.cpp", "llama_cpp_python": llama_cpp.__version__,
           "model": args.model, "threads": args.threads, "tokens": source,
           "decode_prompt_tokens": args.decode_prompt, "decode_tokens": args.decode_tokens,
           "repeats": args.repeats, "timing": "best of repeats after one warm-up"}
    for n in prefill_lengths:
        log("llama.cpp: prefill %d tokens..." % n)
        out["prefill_%d_tok_s" % n] = prefill_tok_s(model, prompt[:n], args.threads, args.repeats)
    for b in [int(x) for x in args.batches.split(",")]:
        log("llama.cpp: decode batch %d..." % b)
        try:
            out["decode_b%d_tok_s" % b] = decode_tok_s(
                model, prompt[: args.decode_prompt], b, args.decode_tokens, args.threads, args.repeats)
        except Exception as e:  # report instead of failing the whole bench
            out["decode_b%d_tok_s" % b] = None
            out["decode_b%d_error" % b] = str(e)
    out["peak_rss_mb"] = peak_rss_mib()
    llama_cpp.llama_model_free(model)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
