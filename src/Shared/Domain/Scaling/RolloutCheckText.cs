namespace ScaleLab.Scaling;

/// <summary>A rollout check in one sentence, as the CLI and the dashboard show it.</summary>
public static class RolloutCheckText
{
    public static string Of(RolloutCheck r)
    {
        if (r.Unavailable is { } why) return $"no check without {r.HeldOut}: {why}.";
        var parts = new List<string>();
        if (r.LossError is { } loss) parts.Add($"misses its loss by {loss:P2} on average");
        if (r.NOptError is { } n) parts.Add($"puts its N_opt at {Math.Exp(n):0.###}x that budget's own minimum");
        var note = r.LossError is null ? " (its loss is not checked: too few budgets remain to fit a loss floor)" : "";
        return $"refitted without {r.HeldOut}, the law {string.Join(" and ", parts)}{note}.";
    }
}
