#!/bin/bash
# Runs several GEM variants at once on one GPU (each process is launch-bound, the GPU is mostly idle).
set -o pipefail
export PYTHONUNBUFFERED=1
M=/root/g/SmolLM2-135M-Instruct.Q4_1.gguf
cat /root/g/gguf.part1 .devcarry/p2/gguf.part2 > $M
echo "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53  $M" | sha256sum -c - || exit 1
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .devcarry/gem/gguf-*.whl || exit 1
export PYTHONPATH=/tmp/site
mkdir -p tools/gem_train && cp .devcarry/gem/gem_train.py tools/gem_train/
for v in "$@"; do
  mkdir -p $OUT/$v
  python3 tools/gem_train/gem_train.py --gguf $M --data .devcarry/gem/gemdata.npz --out $OUT/$v \
      --variants $v --seed 42 --deadline-s 440 > /tmp/$v.log 2>&1 &
done
wait
for v in "$@"; do echo "== $v"; grep -v -e UserWarning -e detach -e 'return model' /tmp/$v.log; done | tee $OUT/train.log
python3 - "$@" <<'PY'
import json, os, sys
out = os.environ["OUT"]
res = {v: json.load(open(f"{out}/{v}/results.json")) for v in sys.argv[1:] if os.path.exists(f"{out}/{v}/results.json")}
json.dump(res, open(f"{out}/results.json", "w"), indent=2)
for v, r in res.items():
    for x in r.get("variants", []):
        print(v, "ppl_ratio %.3f" % x["ppl_ratio"], "paris", x["paris_ok"], json.dumps(x["ndcg"]))
PY
rm -f $OUT/*/results.json
