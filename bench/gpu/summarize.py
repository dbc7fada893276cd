"""Turns device-bench.sh's results folder (mixer throughput, MQAR recall) into the markdown tables of docs/benchmarks.md."""
import json, statistics, sys
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "gpu-results")


def lines(name):
    path = out / name
    if not path.exists():
        return []
    return [json.loads(l) for l in path.read_text().splitlines() if l.startswith("{")]


mixers = lines("mixers.jsonl")
if mixers:
    lengths = sorted({r["seq_len"] for r in mixers})
    print("\n| mixer | " + " | ".join(f"T={t}" for t in lengths) + " |")
    print("| --- |" + " ---: |" * len(lengths))
    for mixer in dict.fromkeys(r["mixer"] for r in mixers):
        cells = []
        for t in lengths:
            r = next((r for r in mixers if r["mixer"] == mixer and r["seq_len"] == t), None)
            cells.append("—" if r is None else r.get("error", "")[:20] or f"{r['tokens_per_s'] / 1000:,.0f}k")
        print(f"| {mixer} | " + " | ".join(cells) + " |")

recall = lines("mqar.jsonl")
if recall:
    print("\n| MQAR mixer | steps | accuracy | val loss | wall s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for r in recall:
        print(f"| {r['mixer']} | {r['steps']} | {r['final_accuracy']:.3f} | {r['final_val_loss']:.3f} | {r['wall_clock_s']:.0f} |")
