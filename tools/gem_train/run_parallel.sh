#!/bin/bash
# Runs several GEM variants at once on one GPU (each process is launch-bound, the GPU is mostly idle).
#   OUT=out/run4 tools/gem_train/run_parallel.sh k1r6d3 k1r8d3 ...
# Inputs (override by environment): GGUF (default: the default model in the gemrag cache, sha256-checked)
# and DATA (the .npz written by prepare_data.py). Needs python3 with torch, numpy and gguf==0.19.0.
set -o pipefail
export PYTHONUNBUFFERED=1
: "${OUT:?set OUT to the output folder}"
M=${GGUF:-$HOME/.cache/gemrag/models/SmolLM2-135M-Instruct.Q4_1.gguf}
DATA=${DATA:-target/gem/gemdata.npz}
echo "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53  $M" | sha256sum -c - || exit 1
[ -f "$DATA" ] || { echo "training data $DATA not found: run tools/gem_train/prepare_data.py first" >&2; exit 1; }
python3 -c 'import gguf' || { echo "python package gguf missing: pip install gguf==0.19.0" >&2; exit 1; }
for v in "$@"; do
  mkdir -p "$OUT/$v"
  python3 tools/gem_train/gem_train.py --gguf "$M" --data "$DATA" --out "$OUT/$v" \
      --variants "$v" --seed 42 --deadline-s 440 > "$OUT/$v.log" 2>&1 &
done
wait
for v in "$@"; do echo "== $v"; grep -v -e UserWarning -e detach -e 'return model' "$OUT/$v.log"; done | tee "$OUT/train.log"
python3 - "$@" <<'PY'
import json, os, sys
out = os.environ["OUT"]
res = {v: json.load(open(f"{out}/{v}/results.json")) for v in sys.argv[1:] if os.path.exists(f"{out}/{v}/results.json")}
json.dump(res, open(f"{out}/results.json", "w"), indent=2)
for v, r in res.items():
    for x in r.get("variants", []):
        print(v, "ppl_ratio %.3f" % x["ppl_ratio"], "paris", x["paris_ok"], json.dumps(x["ndcg"]))
PY
rm -f "$OUT"/*/results.json
