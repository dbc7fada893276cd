using System.Globalization;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The worst request of each class that once crashed or exhausted the orchestrator, at full size. Each must be
/// refused (4xx, problem details naming <see cref="Field"/>) quickly, and leave the process alive; one without a
/// field is a valid but expensive request, which must merely answer quickly. Shared by the hardening tests and
/// bench/hardening.sh, which times them.
/// </summary>
public sealed record HostilePayload(string Class, HttpMethod Method, string Path, string Body, string ContentType, string? Field, bool NeedsKey = false)
{
    public static IReadOnlyList<HostilePayload> All { get; } = Build();

    private static string AliasBomb(string leaf) => $"a0: &a0 {leaf}\n" + string.Concat(Enumerable.Range(1, 9)
        .Select(i => $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));

    private static List<HostilePayload> Build()
    {
        const string yaml = "application/yaml", json = "application/json";
        var learningRate = """{"learningRate":{"logUniform":[1e-4,1e-2]}}""";
        var values = string.Join(",", Enumerable.Range(1, 1000));
        var rates = string.Join(",", Enumerable.Range(1, 15_000).Select(i => (i * 1e-7).ToString("R", CultureInfo.InvariantCulture)));
        var budgets = string.Join(",", Enumerable.Range(1, 20).Select(i => $"{i}e15"));
        return
        [
            // 30,000 nested levels in 60 KB: overflowed the stack in YamlSpec before the depth check, and aborted the process.
            new("deep YAML nesting", HttpMethod.Post, "api/sweeps/preview", "name: " + new string('[', 30_000) + new string(']', 30_000), yaml, "body"),
            new("deep YAML nesting", HttpMethod.Post, "api/sweeps/preview", string.Concat(Enumerable.Repeat("- ", 30_000)) + "x\n", yaml, "body"),
            // A billion laughs: nine levels of ten aliases, 10^9 nodes from under 1 KB.
            new("YAML alias bomb", HttpMethod.Post, "api/sweeps/preview", AliasBomb("[x, x, x, x, x, x, x, x, x, x]"), yaml, "body"),
            new("YAML alias bomb", HttpMethod.Post, "api/sweeps/preview", AliasBomb("[]"), yaml, "body"), // empty leaves count too
            // Size amplifiers: designs that were materialised before the run limit was checked, and an IsoFLOP design at
            // the run limit whose shape search once scanned ~400,000 shapes per size (about 10 minutes of CPU).
            new("size amplifier", HttpMethod.Post, "api/sweeps/preview",
                $$$"""{"name":"x","kind":"random","random":{"runs":2147483647,"parameters":{{{learningRate}}}}}""", json, "random"),
            new("size amplifier", HttpMethod.Post, "api/sweeps/preview",
                $$$"""{"name":"x","kind":"ablation","ablation":{"variations":{"seed":[{{{values}}}],"warmupSteps":[{{{values}}}]},"learningRates":[{{{rates}}}]}}""", json, "ablation"),
            new("size amplifier", HttpMethod.Post, "api/sweeps/preview",
                $$$"""{"name":"x","kind":"isoflop","isoflop":{"budgets":[{{{budgets}}}],"sizesPerBudget":50,"aspectRatio":1024,"headDim":8}}""", json, null),
            // A base whose layers cannot be counted reached the parameter accounting, which threw.
            new("unknown mixer", HttpMethod.Post, "api/sweeps/preview",
                """{"name":"x","kind":"isoflop","base":{"mixer":"nope"},"isoflop":{"budgets":[1e12]}}""", json, "base.mixer"),
            new("unknown mixer", HttpMethod.Post, "api/sweeps/preview", """{"name":"x","base":{"mixer":"hybrid","hybridPattern":"gla,""" +
                string.Concat(Enumerable.Repeat("gla,", 60_000)) + """softmax"},"kind":"isoflop","isoflop":{"budgets":[1e12]}}""", json, "base.hybridPattern"),
            // Overflows: +∞ from 1e309, and a step count beyond int that made FLOPs negative.
            new("number overflow", HttpMethod.Post, "api/sweeps/preview", """{"name":"x","base":{"learningRate":1e309}}""", json, "base.learningRate"),
            new("number overflow", HttpMethod.Post, "api/sweeps/preview",
                """{"name":"x","base":{"tokens":100000000000000,"batchSize":1,"seqLen":8,"dModel":16384,"nLayers":256,"nHeads":128}}""", json, "base.tokens"),
            // Unpaired surrogates, which System.Text.Json cannot read back or write out.
            new("unpaired surrogate", HttpMethod.Post, "api/sweeps/preview", """{"name":"x","kind":"\ud800"}""", json, "kind"),
            new("unpaired surrogate", HttpMethod.Post, "api/sweeps", """{"name":"x","\udc00":1}""", json, "body", NeedsKey: true),
            new("unpaired surrogate", HttpMethod.Post, "api/schedules", """{"name":"x","cron":"0 3 * * *","timeZone":"\ud800","spec":{}}""", json, "timeZone", NeedsKey: true),
            new("unpaired surrogate", HttpMethod.Post, "api/fits",
                """{"law":"compute","points":[{"n":1e6,"d":1e8,"loss":3,"group":"\ud800"}]}""", json, "points[0].group", NeedsKey: true),
            // A fit over nothing threw inside the fitter.
            new("empty fit", HttpMethod.Post, "api/fits", """{"law":"chinchilla","points":[]}""", json, "points", NeedsKey: true),
            // Stored without a Hangfire job, then stopped the orchestrator at its next start.
            new("empty time zone", HttpMethod.Post, "api/schedules", """{"name":"x","cron":"0 3 * * *","timeZone":"","spec":{}}""", json, "timeZone", NeedsKey: true),
        ];
    }
}
