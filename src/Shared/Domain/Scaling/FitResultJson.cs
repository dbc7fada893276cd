using System.Text.Json.Nodes;

namespace ScaleLab.Scaling;

/// <summary>
/// The one JSON shape of a fit, shared by the CLI (--json) and the REST API. With a single group the law's
/// parameters are top-level keys (E, A, B, alpha, beta for Chinchilla); intervals appear only when bootstrapped.
/// With several groups each has that shape under "groups", and "crossings" says where their frontiers cross.
/// Stored fits, fit previews and the CLI's --json all speak it; <see cref="Read"/> gives the records back.
/// </summary>
public static partial class FitResultJson
{
    public static JsonObject Write(FitResult result) => (JsonObject)WithoutNonFinite(WriteRaw(result))!;

    /// <summary>
    /// JSON has no NaN or infinity, and a degenerate fit (a negative exponent, an optimum that does not exist) can
    /// derive them: they are written as null, which says "no value" to every client, instead of failing the response.
    /// </summary>
    private static JsonNode? WithoutNonFinite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).ToList()) o[key] = WithoutNonFinite(o[key]?.DeepClone());
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) a[i] = WithoutNonFinite(a[i]?.DeepClone());
                return a;
            case JsonValue v when v.TryGetValue<double>(out var d) && !double.IsFinite(d):
                return null;
            default:
                return node;
        }
    }

    private static JsonObject WriteRaw(FitResult result)
    {
        var root = new JsonObject
        {
            ["law"] = result.Law.ToString().ToLowerInvariant(),
            ["points"] = result.Points,
            ["bootstrap"] = result.Bootstrap,
            ["seed"] = result.Seed,
            ["confidence"] = result.Confidence,
            ["targetCompute"] = result.TargetCompute,
            ["compute"] = result.Compute == ComputeConvention.SixND ? "6ND" : "exact",
        };
        if (result.Groups.Count == 1 && result.Groups[0].Group == "all")
        {
            foreach (var (key, value) in WriteGroup(result.Groups[0])) root[key] = value?.DeepClone();
            return root;
        }
        var groups = new JsonObject();
        foreach (var g in result.Groups) groups[g.Group] = WriteGroup(g);
        root["groups"] = groups;
        root["crossings"] = new JsonArray(result.Crossings.Select(c => (JsonNode)new JsonObject
        {
            ["groups"] = new JsonArray(c.GroupA, c.GroupB),
            ["compute"] = c.Compute,
            ["all"] = new JsonArray(c.All.Select(x => (JsonNode)x).ToArray()),
            ["betterAtHighCompute"] = c.BetterAtHighCompute,
            ["searchedFrom"] = c.SearchedFrom,
            ["searchedTo"] = c.SearchedTo,
            ["interval"] = c.Low is { } low && c.High is { } high ? new JsonArray(low, high) : null,
            ["replicates"] = c.Replicates,
            ["replicatesCrossed"] = c.Crossed,
        }).ToArray());
        return root;
    }

    private static JsonObject WriteGroup(GroupFit g)
    {
        var o = new JsonObject
        {
            ["groupPoints"] = g.Points, ["degreesOfFreedom"] = g.DegreesOfFreedom,
            ["warnings"] = new JsonArray(g.Warnings.Select(w => (JsonNode)w).ToArray()),
            ["residuals"] = new JsonArray(g.Used.Select(r => (JsonNode)new JsonObject
            {
                ["n"] = r.Point.N, ["d"] = r.Point.D, ["flops"] = r.Point.Compute, ["loss"] = r.Point.Loss, ["predicted"] = r.Predicted, ["logResidual"] = r.LogResidual,
            }.WithPointLabels(r.Point)).ToArray()),
            ["rollout"] = g.Rollout is not { } r ? null : new JsonObject
            {
                ["heldOut"] = r.HeldOut, ["heldOutPoints"] = r.HeldOutPoints, ["lossError"] = r.LossError, ["N_optError"] = r.NOptError, ["unavailable"] = r.Unavailable,
            },
            ["excluded"] = new JsonArray(g.Excluded.Select(e => (JsonNode)new JsonObject
            {
                ["n"] = e.Point.N, ["d"] = e.Point.D, ["flops"] = e.Point.Compute, ["loss"] = e.Point.Loss, ["reason"] = e.Reason,
            }.WithPointLabels(e.Point)).ToArray()),
        };
        foreach (var (key, e) in g.Parameters) o[key] = e.Value;
        if (g.BootstrapUsed > 0)
        {
            o["bootstrapUsed"] = g.BootstrapUsed;
            o["intervals"] = Intervals(g.Parameters);
        }
        o["derived"] = new JsonObject(g.Derived.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.Value)));
        if (g.BootstrapUsed > 0) o["derivedIntervals"] = Intervals(g.Derived);
        if (g.Profiles.Count > 0)
            o["profiles"] = new JsonArray(g.Profiles.Select(p => (JsonNode)new JsonObject
            {
                ["compute"] = p.Compute, ["points"] = p.Points, ["N_opt"] = p.NOpt, ["D_opt"] = p.DOpt, ["lossAtOpt"] = p.LossAtOpt,
                ["parabola"] = new JsonArray(p.Parabola.Select(c => (JsonNode)c).ToArray()),
            }).ToArray());
        o["frontier"] = new JsonArray(g.Frontier.Select(f =>
        {
            var point = new JsonObject { ["compute"] = f.Compute, ["loss"] = f.Loss.Value };
            if (f.Loss.Low is not null) point["lossInterval"] = new JsonArray(f.Loss.Low, f.Loss.High);
            if (f.NOpt is not null) point["N_opt"] = f.NOpt.Value;
            if (f.NOpt?.Low is not null) point["N_optInterval"] = new JsonArray(f.NOpt.Low, f.NOpt.High);
            if (f.DOpt is not null) point["D_opt"] = f.DOpt.Value;
            if (f.DOpt?.Low is not null) point["D_optInterval"] = new JsonArray(f.DOpt.Low, f.DOpt.High);
            return (JsonNode)point;
        }).ToArray());
        return o;
    }

    /// <summary>A point's group and epochs, written only when it has them, so a read-back fit keeps its points whole.</summary>
    private static JsonObject WithPointLabels(this JsonObject o, ScalingPoint p)
    {
        if (p.Group is not null) o["group"] = p.Group;
        if (p.Epochs is not null) o["epochs"] = p.Epochs;
        return o;
    }

    private static JsonObject Intervals(IReadOnlyDictionary<string, Estimate> estimates) =>
        new(estimates.Where(kv => kv.Value.Low is not null)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Low, kv.Value.High))));
}
