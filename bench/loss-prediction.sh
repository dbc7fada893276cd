#!/usr/bin/env bash
# How well the annealing law (Tissue et al. 2024) predicts a run's final loss from the first 20, 30 and 50% of its
# steps (issue #16): trains a small study on task "hmm" on this machine's device with the standalone trainer (two
# widths, each at two lengths under cosine and WSD schedules: one arm per width), then scores the predictions with
# bench/LossPredictionBench. usage: bench/loss-prediction.sh [outdir]   (about 15 minutes on 2 CPU cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build bench/LossPredictionBench -c Release -v quiet -nologo -clp:ErrorsOnly
worker=(dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll)
for d_model in ${WIDTHS:-32 64}; do
  for steps in ${STEPS:-600 1200}; do
    for schedule in cosine wsd; do
      name="d$d_model-s$steps-$schedule"
      [ -s "$out/$name/metrics.jsonl" ] && tail -1 "$out/$name/metrics.jsonl" | grep -q "\"step\":$steps," && continue
      cat > "$out/$name.json" <<JSON
{ "task": "hmm", "hmmStates": 128, "hmmVocab": 256, "dModel": $d_model, "nLayers": 2, "nHeads": 2, "seqLen": 64,
  "batchSize": 32, "tokens": $((steps * 2048)), "learningRate": 0.003, "warmupSteps": 20, "schedule": "$schedule",
  "decayFraction": 0.2, "evalInterval": 1000000, "logInterval": 10, "checkpointInterval": 0, "finalEvalTokens": 0,
  "seed": $d_model$steps }
JSON
      "${worker[@]}" train --config "$out/$name.json" --out "$out/$name" > "$out/$name.log"
      echo "trained $name"
    done
  done
done
dotnet bench/LossPredictionBench/bin/Release/net10.0/loss-prediction-bench.dll "$out" 2>"$out/predictions.txt" | tee "$out/table.md"
