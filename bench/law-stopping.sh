#!/usr/bin/env bash
# Law-based early stopping (issue #16): what it saves and whether the fitted frontier moves. Replays the rule on
# studies whose runs all trained to the end (bench/LawStoppingBench), so every stop can be checked against where the
# run really ended: an IsoFLOP study with its sizes shared by every budget (each size's shorter runs teach the law its
# curve), and studies drawn from a known law.
# usage: bench/law-stopping.sh synthetic [SEEDS]   (a few seconds per seed)
#        bench/law-stopping.sh cpu [outdir]         (trains 15 small runs on this machine, then replays)
#        bench/law-stopping.sh gpu DIR              (plans; train DIR on the GPU with bench/gpu/train-plan.sh, then
#                                                    dotnet bench/LawStoppingBench/bin/Release/net10.0/law-stopping-bench.dll analyze DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-synthetic}"
dotnet build bench/LawStoppingBench -c Release -v quiet -nologo -clp:ErrorsOnly
bench=(dotnet bench/LawStoppingBench/bin/Release/net10.0/law-stopping-bench.dll)
case "$mode" in
  synthetic) "${bench[@]}" synthetic "${2:-10}" ;;
  gpu) "${bench[@]}" plan gpu "${2:?usage: bench/law-stopping.sh gpu DIR}" ;;
  cpu)
    out="${2:-$(mktemp -d)}"
    "${bench[@]}" plan cpu "$out"
    dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
    # One libtorch thread per run: two runs of two threads each on 2 cores ran 10x slower a step.
    Torch__Threads=1 bench/train-plan.sh "$out" "dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll" "${JOBS:-2}"
    "${bench[@]}" analyze "$out" | tee "$out/table.md" ;;
  *) echo "usage: bench/law-stopping.sh synthetic [SEEDS] | cpu [outdir] | gpu DIR" >&2; exit 2 ;;
esac
