using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Validation;

namespace ScaleLab.Sweeps;

/// <summary>Turns a spec into the list of runs it means (the cartesian product of its axes over the base config).</summary>
public static class SweepExpander
{
    public static IReadOnlyList<PlannedRun>? Expand(Guid sweepId, SweepSpec spec, SweepLimits limits, ValidationErrors errors)
    {
        // Count before enumerating, so a grid of a billion runs costs nothing to refuse.
        var runCount = spec.Axes.Aggregate(1.0, (n, axis) => n * axis.Values.Count);
        if (runCount > limits.MaxRuns)
        {
            errors.Add("axes", $"the grid expands to {runCount:G4} runs; the limit is {limits.MaxRuns}");
            return null;
        }

        var baseNode = JsonSerializer.SerializeToNode(spec.Base, SpecJson.Options)!.AsObject();
        var axisValues = spec.Axes.Select(a => a.Values.Select(v => JsonNode.Parse(v)).ToArray()).ToArray();
        var axisIndex = spec.Axes.Select((a, i) => (a.Parameter, i)).ToDictionary(x => x.Parameter, x => x.i);

        var runs = new List<PlannedRun>((int)runCount);
        var totalFlops = 0.0;
        var odometer = new int[spec.Axes.Count];
        for (var n = 0; n < (int)runCount && !errors.IsFull; n++)
        {
            var node = baseNode.DeepClone().AsObject();
            for (var a = 0; a < odometer.Length; a++) node[spec.Axes[a].Parameter] = axisValues[a][odometer[a]]?.DeepClone();

            string FieldName(string field) =>
                axisIndex.TryGetValue(field, out var a) ? $"axes.{field}[{odometer[a]}]" : $"base.{field}";

            var config = SweepSpecParser.DeserializeConfig(node, errors, "axes", FieldName);
            if (config is not null)
            {
                RunConfigValidator.Validate(config, errors, FieldName);
                var total = TransformerShape.TotalParameters(config);
                if (total > limits.MaxParameters)
                    errors.Add(FieldName("dModel"), $"a run has {total:N0} parameters; the limit is {limits.MaxParameters:N0}");
                var flops = TransformerShape.TrainingFlops(config);
                totalFlops += flops;
                var name = spec.Axes.Count == 0
                    ? "base"
                    : string.Join(", ", spec.Axes.Select((axis, a) => $"{axis.Parameter}={axis.Values[odometer[a]]}"));
                runs.Add(new PlannedRun(RunIdFor(sweepId, config), name, config,
                    TransformerShape.NonEmbeddingParameters(config), total, flops));
            }
            Advance(odometer, spec.Axes);
        }

        if (totalFlops > limits.MaxTotalFlops)
            errors.Add("axes", $"the sweep needs {totalFlops:E2} FLOPs; the limit is {limits.MaxTotalFlops:E2}");
        return errors.IsEmpty ? runs : null;
    }

    /// <summary>A run's id is derived from its sweep and hyper-parameters, so expanding twice names the same runs.</summary>
    public static Guid RunIdFor(Guid sweepId, RunConfig config) =>
        DeterministicGuid.From(sweepId.ToString("N") + JsonSerializer.Serialize(config, SpecJson.Options));

    private static void Advance(int[] odometer, IReadOnlyList<SweepAxis> axes)
    {
        for (var a = odometer.Length - 1; a >= 0; a--)
        {
            if (++odometer[a] < axes[a].Values.Count) return;
            odometer[a] = 0;
        }
    }
}
