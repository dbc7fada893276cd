using System.Text.Json.Nodes;
using ScaleLab.Validation;

namespace ScaleLab.Sweeps;

/// <summary>Reads and checks a spec's "ladder" section (<see cref="LadderDesign"/>).</summary>
internal static class LadderDesignParser
{
    public const int MaxSizes = 50, MaxBudgets = 20;

    public static LadderDesign? Read(JsonNode node, ValidationErrors errors)
    {
        if (StudyDesignParser.Deserialize<LadderDesign>(node, "ladder", "sizes, tokensPerParameter, cooldown, cooldownShape, aspectRatio, headDim, learningRates", errors) is not { } design)
        {
            if (errors.IsEmpty) errors.Add("ladder", "must be an object");
            return null;
        }
        if (design.Sizes is not { Count: > 0 and <= MaxSizes } sizes)
            errors.Add("ladder.sizes", $"must list 1 to {MaxSizes} model sizes (parameter counts)");
        else
        {
            for (var i = 0; i < sizes.Count; i++)
                if (!(double.IsFinite(sizes[i]) && sizes[i] >= 1000)) errors.Add($"ladder.sizes[{i}]", "must be a parameter count of at least 1000");
            if (sizes.Distinct().Count() != sizes.Count) errors.Add("ladder.sizes", "lists a size more than once");
        }
        if (design.TokensPerParameter is not { Count: > 0 and <= MaxBudgets } budgets)
            errors.Add("ladder.tokensPerParameter", $"must list 1 to {MaxBudgets} budgets in tokens per parameter (e.g. [10, 20, 40, 80])");
        else
        {
            for (var i = 0; i < budgets.Count; i++)
                if (!(double.IsFinite(budgets[i]) && budgets[i] is > 0 and <= 1e6)) errors.Add($"ladder.tokensPerParameter[{i}]", "must be a number of tokens per parameter in (0, 1e6]");
            if (budgets.Distinct().Count() != budgets.Count) errors.Add("ladder.tokensPerParameter", "lists a budget more than once");
        }
        if (!(double.IsFinite(design.Cooldown) && design.Cooldown is > 0 and < 1))
            errors.Add("ladder.cooldown", "must be the fraction of a run's steps spent cooling down, in (0, 1); 0.1 to 0.2 is usual");
        if (!Runs.CooldownShapes.All.Contains(design.CooldownShape))
            errors.Add("ladder.cooldownShape", $"must be one of: {string.Join(", ", Runs.CooldownShapes.All)}");
        if (design.AspectRatio is < 1 or > 1024) errors.Add("ladder.aspectRatio", "must be between 1 and 1024 (d_model per layer)");
        if (design.HeadDim is < 8 or > 256) errors.Add("ladder.headDim", "must be between 8 and 256");
        StudyDesignParser.CheckLearningRates(design.LearningRates, "ladder", "size (its trunk and branches)", errors);
        return design;
    }
}
