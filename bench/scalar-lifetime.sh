#!/usr/bin/env bash
# The engine's guard against TorchSharp's Scalar lifetimes, under stress. TorchSharp 0.107 turns numbers passed to
# tensor ops into temporary Scalars (its own code does too: add(t) is add(t, 1)) and gives libtorch their native handles
# without keeping the objects alive, so a collection mid-call frees one under libtorch (docs/engine.md, "Scalars that
# outlive the call"); native/scalar_lifetime.c frees them late. This trains a model alone and then 8 copies at once
# (bench-packing) with a 32 KB gen-0 budget, so the collector runs constantly, and says whether the process survived.
# With SCALELAB_SCALAR_SHIM=off (no guard) it crashes within a minute: that is the bug.
# Usage: bench/scalar-lifetime.sh [MIXER]   (default gla). Exit 0: survived; 1: crashed (the log's first lines say where).
set -euo pipefail
cd "$(dirname "$0")/.."
mixer=${1:-gla}
config=$(mktemp --suffix=.json); log=$(mktemp)
trap 'rm -f "$config" "$log"' EXIT
cat > "$config" <<JSON
{ "task": "hmm", "hmmStates": 16, "hmmVocab": 32, "mixer": "$mixer", "dModel": 32, "nLayers": 2, "nHeads": 2, "seqLen": 32,
  "batchSize": 8, "tokens": 1024000, "learningRate": 0.003, "warmupSteps": 10, "evalInterval": 1000000, "evalBatches": 1,
  "finalEvalTokens": 256, "logInterval": 50, "checkpointInterval": 0, "seed": 1 }
JSON
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
started=$SECONDS
if DOTNET_GCgen0size=0x8000 Torch__Threads=1 timeout 600 dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll \
    bench-packing --config "$config" --runs 8 >"$log" 2>&1; then
  echo "$mixer: survived 1 + 8 packed runs of 4,000 steps under GC stress ($((SECONDS - started)) s)"; exit 0
fi
echo "$mixer: crashed after $((SECONDS - started)) s:"
grep -m2 -E "Exception|raised from" "$log" | cut -c1-200
grep -m3 -E "^   at ScaleLab" "$log"
exit 1
