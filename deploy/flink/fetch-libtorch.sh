#!/bin/sh
# Fetches DJL's build of libtorch for a CUDA flavour into DJL's cache layout, at image build time, so that
# the running image never downloads (DJL_OFFLINE=true). DJL's own LibUtils does the same at run time:
# https://publish.djl.ai/pytorch/<version>/files.txt lists <flavor>/<os>/native/lib/<file>.gz.
#   fetch-libtorch.sh 2.7.1 cu128 /djl-cache/pytorch/2.7.1-cu128-linux-x86_64
set -eu
VERSION="$1"; FLAVOR="$2"; DEST="$3"
BASE="https://publish.djl.ai/pytorch/$VERSION"
mkdir -p "$DEST"
curl -fsSL "$BASE/files.txt" -o /tmp/libtorch-files.txt
grep "^$FLAVOR/linux-x86_64/native/lib/" /tmp/libtorch-files.txt > /tmp/libtorch-wanted.txt \
  || { echo "no $FLAVOR/linux-x86_64 natives listed in $BASE/files.txt" >&2; exit 1; }
while read -r f; do
  name=$(basename "$f" .gz)
  echo "libtorch $FLAVOR: $name"
  curl -fsSL "$BASE/$(echo "$f" | sed 's/+/%2B/g')" | gunzip > "$DEST/$name"
done < /tmp/libtorch-wanted.txt
test -f "$DEST/libtorch.so" || { echo "libtorch.so missing after download" >&2; exit 1; }
