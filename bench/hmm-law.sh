#!/usr/bin/env bash
# A small scaling study on task "hmm", whose best possible loss is known: trains a grid of model sizes x token
# budgets on the CPU with the standalone trainer, fits Chinchilla's L(N, D) = E + A/N^alpha + B/D^beta with the CLI,
# and prints the fitted E beside the true optimum (optimal_loss: the hidden Markov model's own loss on the same
# validation tokens). usage: [STATES=128 VOCAB=256] bench/hmm-law.sh [outdir]      (about 20 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet build src/Cli -c Release -v quiet -nologo -clp:ErrorsOnly
worker=(dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll)
echo "n,d,loss,flops,optimal" > "$out/points.csv"
for d_model in 16 24 32 48 64; do
  for tokens in 262144 524288 1048576 2097152 4194304; do
    name="d$d_model-t$tokens"
    cat > "$out/$name.json" <<JSON
{ "task": "hmm", "hmmStates": ${STATES:-128}, "hmmVocab": ${VOCAB:-256}, "dModel": $d_model, "nLayers": 2, "nHeads": 2, "seqLen": 64,
  "batchSize": 32, "tokens": $tokens, "learningRate": 0.003, "warmupSteps": 20, "evalInterval": 1000000,
  "logInterval": 16, "checkpointInterval": 0, "finalEvalTokens": 262144, "seed": 1 }
JSON
    "${worker[@]}" train --config "$out/$name.json" --out "$out/$name" > "$out/$name.log"
    python3 - "$out/$name" "$out/$name.log" >> "$out/points.csv" <<'PY'
import json, sys
summary = next(json.loads(l) for l in open(sys.argv[2]) if '"summary"' in l)
last = [json.loads(l) for l in open(sys.argv[1] + "/metrics.jsonl")][-1]
print(f'{summary["non_embedding_params"]},{summary["tokens"]},{last["val_loss"]},{summary["flops"]},{last["optimal_loss"]}')
PY
    tail -1 "$out/points.csv"
  done
done
optimal=$(tail -1 "$out/points.csv" | cut -d, -f5)
dotnet src/Cli/bin/Release/net10.0/scalelab.dll fit "$out/points.csv" --law chinchilla --bootstrap 200 | tee "$out/fit.txt"
echo "true optimum (the model's own loss on the validation tokens): $optimal nats/token"
