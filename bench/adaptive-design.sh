#!/usr/bin/env bash
# Adaptive design (issue #16, item 4): the interval of the N_opt exponent reached by choosing each run where it narrows
# that interval most per FLOP (AdaptiveDesign, AdaptiveStudy.Simulate), against grids of the same compute and a random
# subset, on studies drawn from Hoffmann et al.'s law with noise (bench/AdaptiveDesignBench; no training).
# usage: bench/adaptive-design.sh [SEEDS] [FLAGS]   e.g. bench/adaptive-design.sh 20   (about 6 minutes on 2 busy cores)
#        bench/adaptive-design.sh 5 --chinchilla 1 --repeats 0   (the approach-3 exponent; about 9 minutes)
# FLAGS: --noise σ (0.005), --bootstrap K (200), --fantasies M (2), --per-round k (2), --repeats 0|1 (1), --share f
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/AdaptiveDesignBench -c Release -v quiet -nologo -clp:ErrorsOnly >&2
dotnet bench/AdaptiveDesignBench/bin/Release/net10.0/adaptive-design-bench.dll --seeds "${1:-20}" "${@:2}"
