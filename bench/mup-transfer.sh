#!/usr/bin/env bash
# Does the best learning rate transfer across width under μP (issue #16 item 3)? Trains task "hmm" (16 states, 64
# tokens: a source whose best loss is known and whose small vocabulary leaves most weights hidden) at two widths
# under the standard parametrization and under μP (base width: the narrower one), each at 8 learning rates 2x apart,
# with the standalone trainer on this machine's device; then bench/MupTransferBench prints each width's loss at every
# rate, its best rate, and whether the best rate moved by less than one grid step.
# usage: [WIDTHS="32 128"] [RATES="..."] bench/mup-transfer.sh [outdir]   (about 10 minutes on 2 idle CPU cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build bench/MupTransferBench -c Release -v quiet -nologo -clp:ErrorsOnly
worker=(dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll)
widths=(${WIDTHS:-32 128})
for parametrization in standard mup; do
  for d_model in "${widths[@]}"; do
    for lr in ${RATES:-0.00125 0.0025 0.005 0.01 0.02 0.04 0.08 0.16}; do
      name="$parametrization-d$d_model-lr$lr"
      [ -s "$out/$name/metrics.jsonl" ] && grep -q '"val_loss"' <(tail -1 "$out/$name/metrics.jsonl") && continue   # trained already
      cat > "$out/$name.json" <<JSON
{ "task": "hmm", "hmmStates": 16, "hmmVocab": 64, "dModel": $d_model, "nLayers": 2, "nHeads": 4, "seqLen": 64,
  "batchSize": 16, "tokens": $((300 * 1024)), "learningRate": $lr, "warmupSteps": 20, "evalInterval": 1000000,
  "logInterval": 50, "checkpointInterval": 0, "finalEvalTokens": 65536, "seed": 1,
  "parametrization": "$parametrization", "mupBaseWidth": ${widths[0]} }
JSON
      "${worker[@]}" train --config "$out/$name.json" --out "$out/$name" > "$out/$name.log"
      echo "trained $name: $(tail -1 "$out/$name.log" | grep -o '"final_val_loss":[^,]*') in $(tail -1 "$out/$name.log" | grep -o '"wall_clock_s":[^,]*')"
    done
  done
done
dotnet bench/MupTransferBench/bin/Release/net10.0/mup-transfer-bench.dll "$out" | tee "$out/table.md"
