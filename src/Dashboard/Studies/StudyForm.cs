using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Studies;

public enum StudyKind { IsoFlop, Ladder, Ablation, Grid }

/// <summary>
/// The new-study form's model: the common study kinds as a few fields each, turned into the same spec a researcher
/// would write by hand (the API validates and previews that spec; the form shows its messages next to the fields).
/// Lists are typed as comma-separated text ("1e12, 3e12"); each item becomes a JSON number when it is one.
/// </summary>
public sealed class StudyForm
{
    public StudyKind Kind { get; set; } = StudyKind.IsoFlop;
    public string Name { get; set; } = "my-study";
    public string Task { get; set; } = "lm";
    public string Mixer { get; set; } = Models.Mixers.Softmax;
    public int SeqLen { get; set; } = 64;
    public int BatchSize { get; set; } = 8;
    public double LearningRate { get; set; } = 0.003;
    public int DModel { get; set; } = 64;
    public int NLayers { get; set; } = 2;
    public int NHeads { get; set; } = 4;
    public long Tokens { get; set; } = 200_000;

    /// <summary>"standard" or "mup" (the maximal update parametrization, tuned at <see cref="MupBaseWidth"/>).</summary>
    public string Parametrization { get; set; } = ScaleLab.Runs.Parametrizations.Standard;
    public int MupBaseWidth { get; set; } = 64;

    // IsoFLOP
    public string Budgets { get; set; } = "3e11, 1e12, 3e12";
    public int SizesPerBudget { get; set; } = 5;

    /// <summary>Sizes every budget shares (isoflop.sizes), in place of sizes per budget; empty for none. The loss law judges runs of a size by its shorter runs.</summary>
    public string IsoFlopSizes { get; set; } = "";
    public double Spread { get; set; } = 4;
    public int AspectRatio { get; set; } = 64;
    public int HeadDim { get; set; } = 32;

    /// <summary>isoflop.adaptive: train only the grid's runs that narrow the target's interval the most per FLOP.</summary>
    public bool Adaptive { get; set; }

    /// <summary>
    /// What the adaptive design narrows (<see cref="AdaptiveSpec.Targets"/>): the N_opt exponent (approach 2 or 3), or
    /// log10 of the compute where two architectures cross, named by the grid's axis (<see cref="AxisField"/>, <see cref="AxisValues"/>).
    /// </summary>
    public string AdaptiveTarget { get; set; } = AdaptiveSpec.IsoFlopExponent;

    /// <summary>The width of the target's 95 % interval at which the study stops: in the exponent's units, or in decades of compute for a crossing.</summary>
    public double AdaptiveWidth { get; set; } = ExponentWidth;
    public double AdaptiveFraction { get; set; } = 0.5;
    public int AdaptiveRunsPerRound { get; set; } = 2;

    // Ladder (and the IsoFLOP study's aspect ratio and head dimension)
    public string LadderSizes { get; set; } = "2e4, 4e4, 8e4";
    public string TokensPerParameter { get; set; } = "5, 10, 20, 40";
    public double Cooldown { get; set; } = 0.2;
    public string CooldownShape { get; set; } = ScaleLab.Runs.CooldownShapes.OneMinusSqrt;

    // Ablation
    public string VariedField { get; set; } = "mixer";
    public string VariedValues { get; set; } = "linear, gla, mamba";

    /// <summary>An ablation's rates per arm, or an IsoFLOP study's per point (optional).</summary>
    public string LearningRates { get; set; } = "";

    // Grid (and the two architectures an adaptive crossing compares)
    public string AxisField { get; set; } = "dModel";
    public string AxisValues { get; set; } = "32, 64";

    // Repeats for every kind but an adaptive design
    public string Seeds { get; set; } = "";

    // Early stopping (every kind but ladder): "none", "asha" or "law"
    public string EarlyStopping { get; set; } = "none";
    public string LawAt { get; set; } = "0.25, 0.5";
    public int LawKeep { get; set; } = 3;

    /// <summary>Whether the study may stop runs early: not a ladder (its trunks feed branches), nor an adaptive design (it picks each run to train to its end).</summary>
    public bool StopsEarly => Kind != StudyKind.Ladder && !IsAdaptive;

    /// <summary>Whether the study repeats its points with seeds: not an adaptive design (a seed axis is refused beside it; a crossing's one axis names its architectures).</summary>
    public bool Repeats => !IsAdaptive;

    /// <summary>Whether the study is an adaptive design for the crossing of two architectures: its one axis, of two values, names them.</summary>
    public bool ComparesArchitectures => IsAdaptive && AdaptiveTarget == AdaptiveSpec.CrossingCompute;

    private bool IsAdaptive => Kind == StudyKind.IsoFlop && Adaptive;

    /// <summary>
    /// On choosing a target: the width still at the other kind of target's default takes this one's (an exponent's
    /// 0.1 would ask a crossing for its compute within ±12 %); for the crossing, an axis that still varies a size field
    /// (the IsoFLOP design sets those, so they cannot name architectures) becomes the mixer, the base mixer against
    /// another; what the researcher chose is kept.
    /// </summary>
    public void OfferTargetDefaults()
    {
        if (AdaptiveWidth == (ComparesArchitectures ? ExponentWidth : CrossingWidth)) AdaptiveWidth = ComparesArchitectures ? CrossingWidth : ExponentWidth;
        if (!ComparesArchitectures || !SizeFields.Contains(AxisField.Trim())) return;
        AxisField = "mixer";
        AxisValues = $"{Mixer}, {(Mixer == Models.Mixers.Gla ? Models.Mixers.Softmax : Models.Mixers.Gla)}";
    }

    private const double ExponentWidth = 0.1, CrossingWidth = 0.5;

    private static readonly string[] SizeFields = ["dModel", "nLayers", "nHeads", "tokens"];

    public string ToSpecJson()
    {
        var baseConfig = new JsonObject
        {
            ["task"] = Task, ["mixer"] = Mixer, ["seqLen"] = SeqLen, ["batchSize"] = BatchSize, ["learningRate"] = LearningRate,
            ["logInterval"] = 10, ["evalInterval"] = 50, ["evalBatches"] = 4,
        };
        if (Parametrization != ScaleLab.Runs.Parametrizations.Standard)
        {
            baseConfig["parametrization"] = Parametrization;
            baseConfig["mupBaseWidth"] = MupBaseWidth;
        }
        if (Kind is not (StudyKind.IsoFlop or StudyKind.Ladder))
        {
            baseConfig["dModel"] = DModel;
            baseConfig["nLayers"] = NLayers;
            baseConfig["nHeads"] = NHeads;
            baseConfig["tokens"] = Tokens;
        }
        var spec = new JsonObject { ["name"] = Name, ["kind"] = Kind.ToString().ToLowerInvariant(), ["base"] = baseConfig };
        var axes = new JsonObject();
        switch (Kind)
        {
            case StudyKind.IsoFlop:
                spec["isoflop"] = new JsonObject
                {
                    ["budgets"] = List(Budgets), ["sizesPerBudget"] = SizesPerBudget, ["spread"] = Spread,
                    ["aspectRatio"] = AspectRatio, ["headDim"] = HeadDim,
                };
                if (!string.IsNullOrWhiteSpace(IsoFlopSizes)) spec["isoflop"]!["sizes"] = List(IsoFlopSizes);
                if (!string.IsNullOrWhiteSpace(LearningRates)) spec["isoflop"]!["learningRates"] = List(LearningRates);
                if (Adaptive)
                    spec["isoflop"]!["adaptive"] = new JsonObject
                    {
                        ["targetWidth"] = AdaptiveWidth, ["target"] = AdaptiveTarget, ["maxComputeFraction"] = AdaptiveFraction, ["runsPerRound"] = AdaptiveRunsPerRound,
                    };
                if (ComparesArchitectures) axes[AxisField.Trim()] = List(AxisValues);
                break;
            case StudyKind.Ladder:
                spec["ladder"] = new JsonObject
                {
                    ["sizes"] = List(LadderSizes), ["tokensPerParameter"] = List(TokensPerParameter), ["cooldown"] = Cooldown,
                    ["cooldownShape"] = CooldownShape, ["aspectRatio"] = AspectRatio, ["headDim"] = HeadDim,
                };
                break;
            case StudyKind.Ablation:
                var ablation = new JsonObject { ["variations"] = new JsonObject { [VariedField.Trim()] = List(VariedValues) } };
                if (!string.IsNullOrWhiteSpace(LearningRates)) ablation["learningRates"] = List(LearningRates);
                spec["ablation"] = ablation;
                break;
            case StudyKind.Grid:
                axes[AxisField.Trim()] = List(AxisValues);
                break;
        }
        if (Repeats && !string.IsNullOrWhiteSpace(Seeds)) axes["seed"] = List(Seeds);
        if (axes.Count > 0) spec["axes"] = axes;
        if (StopsEarly && EarlyStopping == ScaleLab.Sweeps.EarlyStoppingMethods.Asha) spec["earlyStopping"] = new JsonObject { ["method"] = EarlyStopping };
        if (StopsEarly && EarlyStopping == ScaleLab.Sweeps.EarlyStoppingMethods.Law)
            spec["earlyStopping"] = new JsonObject { ["method"] = EarlyStopping, ["at"] = List(LawAt), ["keep"] = LawKeep };
        return spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>
    /// Which form field shows an error the API reported for the spec ("isoflop.budgets[1]" → "budgets", "base.seqLen" →
    /// "seqLen"); null for errors that belong to no single field (they are listed above the form).
    /// </summary>
    public static string? FieldFor(string errorKey)
    {
        var key = errorKey.Split('[')[0];
        if (key == "isoflop.adaptive.target") return "adaptiveTarget";
        if (key == "isoflop.adaptive.targetWidth") return "adaptiveWidth";
        if (key == "isoflop.adaptive.maxComputeFraction") return "adaptiveFraction";
        if (key == "isoflop.adaptive.runsPerRound") return "adaptiveRunsPerRound";
        if (key.StartsWith("isoflop.", StringComparison.Ordinal)) return key["isoflop.".Length..].Split('.')[0];
        if (key == "ladder.sizes") return "ladderSizes";
        if (key.StartsWith("ladder.", StringComparison.Ordinal)) return key["ladder.".Length..].Split('.')[0];
        if (key.StartsWith("ablation.variations", StringComparison.Ordinal)) return "variedValues";
        if (key == "ablation.learningRates") return "learningRates";
        if (key == "axes.seed") return "seeds";
        if (key.StartsWith("earlyStopping.at", StringComparison.Ordinal)) return "lawAt";
        if (key == "earlyStopping.keep") return "lawKeep";
        if (key.StartsWith("earlyStopping", StringComparison.Ordinal)) return "earlyStopping";
        if (key.StartsWith("axes", StringComparison.Ordinal)) return "axisValues";
        if (key.StartsWith("base.", StringComparison.Ordinal)) return key["base.".Length..];
        return key is "name" or "kind" ? key : null;
    }

    private static JsonArray List(string text) =>
        new(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => !double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(item)
                : number == Math.Floor(number) && Math.Abs(number) < 1e15 ? JsonValue.Create((long)number)
                : (JsonNode)JsonValue.Create(number))
            .ToArray());
}
