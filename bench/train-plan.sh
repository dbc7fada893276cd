#!/usr/bin/env bash
# Trains the runs of a plan made by a bench's `plan` (DIR/plan.tsv, by `ladder-bench` or `law-stopping-bench`): phase 1
# (every run from scratch: a grid, a ladder's trunks), then phase 2 (a ladder's branches, each from its trunk's
# checkpoint), JOBS at a time. A run with a summary is not retrained.
# usage: bench/train-plan.sh DIR "RUNNER" [JOBS]   (RUNNER: how to call the worker, e.g. infra/gpu/run.sh)
set -euo pipefail
dir="$1" runner="$2" jobs="${3:-2}"
train_one() { # phase name branch-points parent
  local dir=$1 runner=$2 name=$4 points=$5 parent=$6 args=()
  grep -qs '"summary"' "$dir/$name/train.log" && return 0
  mkdir -p "$dir/$name"
  [ "$points" != - ] && args+=(--branch-points "$points")
  [ "$parent" != - ] && args+=(--init-from "$dir/$parent")
  $runner train --config "$dir/$name.json" --out "$dir/$name" "${args[@]}" > "$dir/$name/train.log" 2>&1 || { echo "$name failed: $(tail -3 "$dir/$name/train.log")" >&2; return 1; }
  echo "trained $name"
}
export -f train_one
for phase in 1 2; do
  awk -F'\t' -v p="$phase" '$1 == p { print $1 "\t" $2 "\t" $3 "\t" $4 }' "$dir/plan.tsv" |
    xargs -P "$jobs" -d '\n' -I{} bash -c 'IFS=$'"'"'\t'"'"' read -r ph name points parent <<< "$1"; train_one "$2" "$3" "$ph" "$name" "$points" "$parent"' _ {} "$dir" "$runner"
done
