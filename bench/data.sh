#!/usr/bin/env bash
# The data path's speed: tokenizing throughput per core (each tokenizer runs on one thread) on the default corpus,
# into an empty cache, and training batches per second from memory-mapped shards on one core, against what the
# fastest reference consumes on the H200 (docs/benchmarks.md): at the GPT-2-small shape (B 16, T 1024) nanoGPT under
# torch.compile, 490k tokens/s; at the scaling-study shape (B 64, T 512) the compiled reference, 2.49M tokens/s.
# usage: bench/data.sh        (about 2 minutes on 2 cores; results go to docs/benchmarks.md by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/Workers -c Release -v quiet -nologo -clp:ErrorsOnly
export Training__CacheDirectory="$(mktemp -d)"   # empty: tokenizing is measured, not a cache hit
trap 'rm -rf "$Training__CacheDirectory"' EXIT
worker=(dotnet src/Workers/bin/Release/net10.0/ScaleLab.Workers.dll)
"${worker[@]}" tokenize --tokenizers bytes,gpt2,cl100k,o200k | tee "$Training__CacheDirectory/tokenize.jsonl"
"${worker[@]}" bench-loader --tokenizer gpt2 | tee "$Training__CacheDirectory/loader.jsonl"
python3 - "$Training__CacheDirectory" <<'PY'
import json, sys, os
d = sys.argv[1]
rows = [json.loads(l) for l in open(os.path.join(d, "tokenize.jsonl")) if '"tokenizer"' in l]
print("| tokenizer | MB | tokens | MB/s on one core |\n|---|---:|---:|---:|")
for r in rows: print(f'| {r["tokenizer"]} | {r["bytes"]/1e6:.1f} | {r["tokens"]:,} | {r["mb_per_s"]} |')
appetite = {(16, 1024): 490_000, (64, 512): 2_490_000}   # tokens/s the H200 trains at, compiled reference
print("\n| batch x seq | loader batches/s, slowest of 3 (median) | loader tokens/s | H200 consumes (tokens/s) | loader / GPU |\n|---|---:|---:|---:|---:|")
for r in (json.loads(l) for l in open(os.path.join(d, "loader.jsonl"))):
    gpu = appetite.get((r["batch"], r["seq_len"]))
    ratio = f'{r["tokens_per_s"] / gpu:.1f}x' if gpu else "-"
    print(f'| {r["batch"]} x {r["seq_len"]} | {r["batches_per_s"]} ({r["batches_per_s_median"]}) | {r["tokens_per_s"]:,.0f} | {gpu or "-":,} | {ratio} |')
PY
