#!/usr/bin/env bash
# Side-by-side benchmark of the approach-3 scaling-law fit: ScaleLab's fitter against a numpy/scipy reference,
# on the same 250 points and the same 4,500-start grid, in one run (ratios, since machines are noisy).
# usage: bench/scaling-fit.sh [points] [bootstrap]      (needs Debian's python3-scipy for the reference)
set -euo pipefail
cd "$(dirname "$0")/.."
POINTS=${1:-250}
BOOT=${2:-1000}
OUT=$(mktemp -d)
dotnet build bench/ScalingBench -c Release -v quiet -nologo -clp:ErrorsOnly
dotnet bench/ScalingBench/bin/Release/net10.0/scaling-bench.dll "$POINTS" "$BOOT" "$OUT" > "$OUT/scalelab.json"
PY=/usr/bin/python3
if $PY -c "import scipy" 2>/dev/null; then
  # numpy here is elementwise work (exp/log), single-threaded; pin BLAS threads anyway so "one core" holds.
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 taskset -c 0 $PY bench/reference/chinchilla_fit.py "$OUT/points.csv" "$BOOT" > "$OUT/scipy.json"
else
  echo '{"engine":"scipy not installed (apt-get install python3-scipy)"}' > "$OUT/scipy.json"
fi
$PY - "$OUT/scalelab.json" "$OUT/scipy.json" <<'PYEOF'
import json, sys
ours, ref = (json.load(open(p)) for p in sys.argv[1:3])
def g(d, k, fmt="{:.3f}"):
    v = d.get(k)
    return "-" if v is None else (fmt.format(v) if not isinstance(v, list) else "[" + ", ".join(f"{x:.4f}" for x in v) + "]")
rows = [("approach-3 fit, 1 core (s)", "fit_1core_s"), ("approach-3 fit, all cores (s)", "fit_allcores_s"),
        ("objective evaluations", "evaluations"), (f"{ours['bootstrap']} bootstrap refits, 1 core (s)", "bootstrap_1core_s"),
        (f"{ours['bootstrap']} bootstrap refits, all cores (s)", "bootstrap_allcores_s"),
        ("E", "E"), ("A", "A"), ("B", "B"), ("alpha", "alpha"), ("beta", "beta"), ("alpha 95% CI", "alpha_ci")]
print(f"| {ours['points']} points, {ours['starts']} starts, {ours['cores']} cores | {ours['engine']} | {ref['engine']} | scipy / ScaleLab |")
print("|---|---|---|---|")
for label, key in rows:
    ratio = ""
    if key.endswith("_s") and isinstance(ref.get(key), float) and ours.get(key):
        ratio = f"{ref[key] / ours[key]:.1f}x"
    fmt = "{:.0f}" if key == "evaluations" else "{:.4f}" if key in ("alpha", "beta", "E") else "{:.3f}"
    print(f"| {label} | {g(ours, key, fmt)} | {g(ref, key, fmt)} | {ratio} |")
PYEOF
