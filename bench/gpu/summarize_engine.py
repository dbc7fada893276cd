"""engine-speed.sh's results as the tables of docs/benchmarks.md: throughput side by side, and the engine paths' losses."""
import json, statistics, sys
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "gpu-results")


def lines(name):
    path = out / f"{name}.jsonl"
    return [json.loads(l) for l in path.read_text().splitlines() if l.startswith("{")] if path.exists() else []


def steady(name):
    # The engine and the reference both print one line per log interval with "step", "loss" and "tokens_per_s".
    rates = [r["tokens_per_s"] for r in lines(name) if "tokens_per_s" in r]
    return statistics.median(rates[1:]) if len(rates) > 1 else (rates[0] if rates else float("nan"))


def losses(name):
    return {r["step"]: r["loss"] for r in lines(name) if "loss" in r and "step" in r}


for shape in ["small4m", "gpt124m", "mqar"]:
    runs = [f"{shape}-{k}" for k in ["managed", "native", "graphs", "torch-eager", "torch-compile"]]
    rates = {r: steady(r) for r in runs if lines(r)}
    if not rates:
        continue
    best = rates.get(f"{shape}-torch-compile")
    print(f"\n### {shape}\n\n| run | tokens/s | / torch.compile |\n| --- | ---: | ---: |")
    for run, rate in rates.items():
        print(f"| {run} | {rate:,.0f} | {rate / best:.2f} |" if best else f"| {run} | {rate:,.0f} | |")
    base = losses(f"{shape}-managed")
    for other in ["native", "graphs"]:
        curve = losses(f"{shape}-{other}")
        common = sorted(set(base) & set(curve))
        if common:
            diff = max(abs(base[s] - curve[s]) for s in common)
            print(f"\n{shape}-{other} vs managed: {len(common)} logged steps, largest loss difference {diff:.4f} "
                  f"(final {base[common[-1]]:.4f} vs {curve[common[-1]]:.4f})")
