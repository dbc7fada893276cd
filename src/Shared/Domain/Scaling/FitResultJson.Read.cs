using System.Text.Json.Nodes;

namespace ScaleLab.Scaling;

/// <summary>
/// The one JSON shape read back into a <see cref="FitResult"/>, so every client (the dashboard, the CLI) works on the
/// same records the fitter made. JSON null, how the writer stores a value that is not finite, reads as NaN.
/// </summary>
public static partial class FitResultJson
{
    /// <summary>Keys of the shape that are not the law's parameters; every other number in a group's object is one.</summary>
    private static readonly HashSet<string> Structural =
    [
        "law", "points", "bootstrap", "seed", "confidence", "targetCompute", "compute", "groups", "crossings",
        "groupPoints", "degreesOfFreedom", "warnings", "residuals", "rollout", "excluded", "bootstrapUsed",
        "intervals", "derived", "derivedIntervals", "profiles", "frontier",
    ];

    public static FitResult Read(JsonObject json)
    {
        var groups = json["groups"] is JsonObject named
            ? named.Select(kv => Group(kv.Key, kv.Value!.AsObject())).ToList()
            : [Group("all", json)];
        var crossings = (json["crossings"] as JsonArray ?? []).Select(c => new FrontierCrossing(
            c!["groups"]![0]!.GetValue<string>(), c["groups"]![1]!.GetValue<string>(), NullableNumber(c["compute"]),
            c["betterAtHighCompute"]!.GetValue<string>(), Number(c["searchedFrom"]), Number(c["searchedTo"]),
            c["all"]!.AsArray().Select(Number).ToList())
        {
            // Absent in fits stored before crossings had intervals.
            Low = c["interval"] is JsonArray i ? Number(i[0]) : null,
            High = c["interval"] is JsonArray j ? Number(j[1]) : null,
            Replicates = c["replicates"]?.GetValue<int>() ?? 0,
            Crossed = c["replicatesCrossed"]?.GetValue<int>() ?? 0,
        }).ToList();
        return new FitResult(Enum.Parse<FitLaw>(json["law"]!.GetValue<string>(), ignoreCase: true),
            json["points"]!.GetValue<int>(), json["bootstrap"]!.GetValue<int>(), json["seed"]!.GetValue<int>(),
            Number(json["confidence"]), Number(json["targetCompute"]), groups, crossings,
            json["compute"]?.GetValue<string>() == "6ND" ? ComputeConvention.SixND : ComputeConvention.Exact);
    }

    private static GroupFit Group(string name, JsonObject g)
    {
        var parameters = g.Where(kv => !Structural.Contains(kv.Key) && kv.Value is null or JsonValue)
            .ToDictionary(kv => kv.Key, kv => Estimated(Number(kv.Value), g["intervals"]?[kv.Key]));
        var derived = g["derived"]!.AsObject()
            .ToDictionary(kv => kv.Key, kv => Estimated(Number(kv.Value), g["derivedIntervals"]?[kv.Key]));
        var profiles = (g["profiles"] as JsonArray ?? []).Select(p => new IsoFlopProfile(Number(p!["compute"]), p["points"]!.GetValue<int>(),
            p["parabola"]!.AsArray().Select(Number).ToArray(), Number(p["N_opt"]), Number(p["D_opt"]), Number(p["lossAtOpt"]))).ToList();
        var frontier = g["frontier"]!.AsArray().Select(f => f!).Select(f => new FrontierPoint(Number(f["compute"]),
            Estimated(Number(f["loss"]), f["lossInterval"]),
            f["N_opt"] is null ? null : Estimated(Number(f["N_opt"]), f["N_optInterval"]),
            f["D_opt"] is null ? null : Estimated(Number(f["D_opt"]), f["D_optInterval"]))).ToList();
        var residuals = g["residuals"]!.AsArray().Select(r => r!).Select(r => new PointResidual(Point(r), Number(r["predicted"]), Number(r["logResidual"]))).ToList();
        var excluded = g["excluded"]!.AsArray().Select(e => e!).Select(e => new ExcludedPoint(Point(e), e["reason"]!.GetValue<string>())).ToList();
        var rollout = g["rollout"] is JsonObject r
            ? new RolloutCheck(r["heldOut"]!.GetValue<string>(), r["heldOutPoints"]!.GetValue<int>(), NullableNumber(r["lossError"]),
                NullableNumber(r["N_optError"]), r["unavailable"]?.GetValue<string>())
            : null;
        return new GroupFit(name, g["groupPoints"]!.GetValue<int>(), parameters, derived, profiles,
            g["bootstrapUsed"]?.GetValue<int>() ?? 0, frontier, residuals, excluded, g["degreesOfFreedom"]!.GetValue<int>(),
            g["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList(), rollout);
    }

    private static ScalingPoint Point(JsonNode p) => new(Number(p["n"]), Number(p["d"]), Number(p["loss"]), NullableNumber(p["flops"]),
        p["group"]?.GetValue<string>(), NullableNumber(p["epochs"]));

    private static Estimate Estimated(double value, JsonNode? interval) =>
        interval is JsonArray { Count: 2 } bounds ? new Estimate(value, NullableNumber(bounds[0]), NullableNumber(bounds[1])) : new Estimate(value);

    private static double Number(JsonNode? node) => NullableNumber(node) ?? double.NaN;

    private static double? NullableNumber(JsonNode? node) => node?.GetValue<double>();
}
