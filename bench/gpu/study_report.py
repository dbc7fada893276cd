"""Tables for docs/results.md from the fits of a GPU study: per group (mixer) the fitted law with its intervals, the
N_opt(C) and D_opt(C) exponents, the rollout extrapolation error, and where the groups' frontiers cross.

Usage: python3 bench/gpu/study_report.py FIT_CHINCHILLA.json FIT_ISOFLOP.json FIT_COMPUTE.json TRUE_ENTROPY_RATE
(each file: the body of POST /api/fits {"law": ..., "sweepIds": [...], "groupBy": "mixer", "bootstrap": 200}).
"""
import json
import sys


def result(path):
    return json.load(open(path))["result"]


def interval(group, name, source="intervals"):
    low, high = group.get(source, {}).get(name, [None, None])
    return f"[{low:.3g}, {high:.3g}]" if low is not None else ""


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def main():
    chinchilla, isoflop, compute, entropy = result(sys.argv[1]), result(sys.argv[2]), result(sys.argv[3]), float(sys.argv[4])
    print(f"Chinchilla L(N, D) = E + A/N^alpha + B/D^beta (Huber in log space, {chinchilla['bootstrap']} bootstrap refits, "
          f"{int(chinchilla['confidence'] * 100)}% intervals); true entropy rate {entropy:.4f} nats/token\n")
    print("| mixer | E | E - entropy rate | alpha | beta | a (N_opt ~ C^a) | b (D_opt ~ C^b) | rollout: loss error at the largest budget |")
    print("|---|---|---:|---|---|---|---|---:|")
    for name, g in chinchilla["groups"].items():
        d = g["derived"]
        print(f"| {name} | {g['E']:.4f} {interval(g, 'E')} | {g['E'] - entropy:+.4f} | {g['alpha']:.3g} {interval(g, 'alpha')} | "
              f"{g['beta']:.3g} {interval(g, 'beta')} | {d['a']:.3f} {interval(g, 'a', 'derivedIntervals')} | "
              f"{d['b']:.3f} {interval(g, 'b', 'derivedIntervals')} | {pct(g['rollout']['lossError'])} |")
    print(f"\nIsoFLOP profiles (approach 2): a parabola in log N per budget, then N_opt = k_N C^a and D_opt = k_D C^b "
          f"at C = {isoflop['targetCompute']:.3g}\n")
    print("| mixer | a | b | N_opt | D_opt | tokens/parameter | rollout: N_opt error at the largest budget |")
    print("|---|---|---|---|---|---|---:|")
    for name, g in isoflop["groups"].items():
        d = g["derived"]
        print(f"| {name} | {g['a']:.3f} {interval(g, 'a')} | {g['b']:.3f} {interval(g, 'b')} | {d['N_opt']:.3g} "
              f"{interval(g, 'N_opt', 'derivedIntervals')} | {d['D_opt']:.3g} {interval(g, 'D_opt', 'derivedIntervals')} | "
              f"{d['tokens_per_parameter']:.0f} {interval(g, 'tokens_per_parameter', 'derivedIntervals')} | "
              f"{pct(g['rollout']['N_optError'])} |")
    print("\nLoss on the compute-efficient frontier, L(C) = E + A C^-alpha\n")
    print("| mixer | E | alpha | rollout: loss error |")
    print("|---|---|---|---:|")
    for name, g in compute["groups"].items():
        print(f"| {name} | {g['E']:.4f} {interval(g, 'E')} | {g['alpha']:.3g} {interval(g, 'alpha')} | {pct(g['rollout']['lossError'])} |")
    print("\nWhere the frontiers cross (FLOPs):\n")
    for law, r in (("chinchilla", chinchilla), ("isoflop", isoflop), ("compute", compute)):
        for c in r.get("crossings", []):
            print(f"- {law}: {', '.join(f'{x:.3g}' for x in c['all'])}; better at high compute: {c['betterAtHighCompute']}")
    print("\nWarnings the fits emitted:\n")
    for law, r in (("chinchilla", chinchilla), ("isoflop", isoflop), ("compute", compute)):
        for name, g in r["groups"].items():
            for w in g.get("warnings", []):
                print(f"- {law}, {name}: {w}")


if __name__ == "__main__":
    main()
