#!/usr/bin/env bash
# Does the best learning rate transfer across width under μP (issue #16 item 3)? Trains task "hmm" (16 states, 64
# tokens: a source whose best loss is known and whose small vocabulary leaves most weights hidden) at two widths
# under the standard parametrization and under μP (base width: the narrower one), each at 8 learning rates 2x apart
# and with SEEDS seeds, with the standalone trainer on this machine's CPU; then bench/MupTransferBench prints each
# width's loss at every rate (mean over seeds), its best rate, and whether the best rate moved by less than one grid
# step. Runs train JOBS at a time, each on one intra-op thread (on a 2-core machine shared with other work, two
# threads per run ran 11x slower than one).
# usage: [WIDTHS="32 128"] [RATES="..."] [SEEDS="1 2"] [JOBS=2] bench/mup-transfer.sh [outdir]
# (32 runs a seed; 20 minutes a seed on the 2 cores while other work kept the load at 10-20)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build bench/MupTransferBench -c Release -v quiet -nologo -clp:ErrorsOnly
widths=(${WIDTHS:-32 128})
todo=()
for parametrization in standard mup; do
  for d_model in "${widths[@]}"; do
    for lr in ${RATES:-0.00125 0.0025 0.005 0.01 0.02 0.04 0.08 0.16}; do
     for seed in ${SEEDS:-1 2}; do
      name="$parametrization-d$d_model-lr$lr-s$seed"
      [ -s "$out/$name/metrics.jsonl" ] && grep -q '"val_loss"' <(tail -1 "$out/$name/metrics.jsonl") && continue   # trained already
      cat > "$out/$name.json" <<JSON
{ "task": "hmm", "hmmStates": 16, "hmmVocab": 64, "dModel": $d_model, "nLayers": 2, "nHeads": 4, "seqLen": 64,
  "batchSize": 16, "tokens": $((300 * 1024)), "learningRate": $lr, "warmupSteps": 20, "evalInterval": 1000000,
  "logInterval": 50, "checkpointInterval": 0, "finalEvalTokens": 65536, "seed": $seed,
  "parametrization": "$parametrization", "mupBaseWidth": ${widths[0]} }
JSON
      todo+=("$name")
     done
    done
  done
done
start=$(date +%s)
# The widest runs first, so the last ones to finish are short.
printf '%s\n' "${todo[@]}" | awk -F'-d|-lr' '{ print $2, $0 }' | sort -k1,1nr | cut -d' ' -f2 | xargs -r -P "${JOBS:-2}" -I{} sh -c '
  Torch__Threads=1 dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll train --config "$0/{}.json" --out "$0/{}" > "$0/{}.log"
  echo "trained {}: $(tail -1 "$0/{}.log" | grep -o "\"final_val_loss\":[^,]*") in $(tail -1 "$0/{}.log" | grep -o "\"wall_clock_s\":[^,]*")"' "$out"
echo "${#todo[@]} runs trained in $(( $(date +%s) - start )) s"
dotnet bench/MupTransferBench/bin/Release/net10.0/mup-transfer-bench.dll "$out" | tee "$out/table.md"
