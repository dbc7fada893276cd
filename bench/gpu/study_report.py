"""Tables for docs/results.md from the fits of a GPU study: per group (mixer) the fitted law with its intervals, the
N_opt(C) and D_opt(C) exponents, the rollout extrapolation error, and where the groups' frontiers cross.

Usage: python3 bench/gpu/study_report.py FIT_CHINCHILLA.json FIT_ISOFLOP.json FIT_COMPUTE.json TRUE_ENTROPY_RATE
(each file: the body of POST /api/fits {"law": ..., "sweepIds": [...], "groupBy": "mixer", "bootstrap": 200}).
"""
import json
import math
import sys


def result(path):
    return json.load(open(path))["result"]


def interval(group, name, source="intervals"):
    low, high = group.get(source, {}).get(name, [None, None])
    return f"[{low:.3g}, {high:.3g}]" if low is not None else ""


def ratio(log_error):
    """The rollout's N_opt error is ln(predicted / measured): shown as the factor it is."""
    return "n/a" if log_error is None else f"{math.exp(log_error):.2f}x"


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def estimate(group, name, spec, source="intervals"):
    """A fitted quantity with its interval: the parameters' own, or those of the derived quantities."""
    value = group["derived"][name] if source == "derivedIntervals" else group[name]
    return f"{value:{spec}} {interval(group, name, source)}"


def table(groups, columns):
    """One row per group; columns are (header, right-aligned, cell(group) -> text)."""
    print("| mixer | " + " | ".join(header for header, _, _ in columns) + " |")
    print("|---|" + "|".join("---:" if right else "---" for _, right, _ in columns) + "|")
    for name, group in groups.items():
        print(f"| {name} | " + " | ".join(cell(group) for _, _, cell in columns) + " |")


def main():
    chinchilla, isoflop, compute, entropy = result(sys.argv[1]), result(sys.argv[2]), result(sys.argv[3]), float(sys.argv[4])
    derived = "derivedIntervals"
    print(f"Chinchilla L(N, D) = E + A/N^alpha + B/D^beta (Huber in log space, {chinchilla['bootstrap']} bootstrap refits, "
          f"{int(chinchilla['confidence'] * 100)}% intervals); true entropy rate {entropy:.4f} nats/token\n")
    table(chinchilla["groups"], [
        ("E", False, lambda g: estimate(g, "E", ".4f")),
        ("E - entropy rate", True, lambda g: f"{g['E'] - entropy:+.4f}"),
        ("alpha", False, lambda g: estimate(g, "alpha", ".3g")),
        ("beta", False, lambda g: estimate(g, "beta", ".3g")),
        ("a (N_opt ~ C^a)", False, lambda g: estimate(g, "a", ".3f", derived)),
        ("b (D_opt ~ C^b)", False, lambda g: estimate(g, "b", ".3f", derived)),
        ("rollout: loss error at the largest budget", True, lambda g: pct(g["rollout"]["lossError"])),
    ])
    print(f"\nIsoFLOP profiles (approach 2): a parabola in log N per budget, then N_opt = k_N C^a and D_opt = k_D C^b "
          f"at C = {isoflop['targetCompute']:.3g}\n")
    table(isoflop["groups"], [
        ("a", False, lambda g: estimate(g, "a", ".3f")),
        ("b", False, lambda g: estimate(g, "b", ".3f")),
        ("N_opt", False, lambda g: estimate(g, "N_opt", ".3g", derived)),
        ("D_opt", False, lambda g: estimate(g, "D_opt", ".3g", derived)),
        ("tokens/parameter", False, lambda g: estimate(g, "tokens_per_parameter", ".0f", derived)),
        ("rollout: predicted / measured N_opt at the largest budget", True, lambda g: ratio(g["rollout"]["N_optError"])),
    ])
    print("\nLoss on the compute-efficient frontier, L(C) = E + A C^-alpha\n")
    table(compute["groups"], [
        ("E", False, lambda g: estimate(g, "E", ".4f")),
        ("alpha", False, lambda g: estimate(g, "alpha", ".3g")),
        ("rollout: loss error", True, lambda g: pct(g["rollout"]["lossError"])),
    ])
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
