#!/usr/bin/env bash
# The same question answered twice (issue #16): N_opt(C)'s exponent from an IsoFLOP grid and from a WSD ladder
# (Hägele et al. 2024), side by side. Expands both studies as ScaleLab would (bench/LadderBench plan), trains every run
# with the standalone trainer (a ladder's trunks keep checkpoints at their branch points; each branch starts from one),
# then fits both and prints the compute each spent and the exponents with their intervals.
# usage: bench/ladder.sh [cpu|gpu] [outdir]
#   cpu: this machine, the design LadderAgainstGridTests trains (about 2 minutes on 2 cores, builds included).
#   gpu: plan here, then on the lent GPU run
#   bench/gpu/train-plan.sh DIR over the planned folder, and analyze its results here:
#   dotnet bench/LadderBench/bin/Release/net10.0/ladder-bench.dll analyze DIR
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-cpu}"
out="${2:-$(mktemp -d)}"
dotnet build bench/LadderBench -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet bench/LadderBench/bin/Release/net10.0/ladder-bench.dll plan "$scale" "$out"
[ "$scale" = gpu ] && { echo "planned in $out; train it on the GPU with bench/gpu/train-plan.sh"; exit 0; }
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
# One libtorch thread a run: JOBS runs of 2 threads each on 2 cores spent most of their time waiting on each other
# (20 to 60 ms a step instead of 2.5).
Torch__Threads=1 bench/train-plan.sh "$out" "dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll" "${JOBS:-2}"
dotnet bench/LadderBench/bin/Release/net10.0/ladder-bench.dll analyze "$out" | tee "$out/table.md"
