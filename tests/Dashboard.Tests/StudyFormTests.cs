using System.Text.Json;
using ScaleLab.Dashboard.Studies;
using ScaleLab.Sweeps;
using ScaleLab.Validation;

namespace ScaleLab.Dashboard.Tests;

public class StudyFormTests
{
    [Fact]
    public void IsoFlop_form_writes_a_spec_the_parser_expands_into_every_budget_and_size()
    {
        var form = new StudyForm { Kind = StudyKind.IsoFlop, Name = "iso", Budgets = "1e12, 3e12", SizesPerBudget = 3, Seeds = "1, 2" };

        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(form.ToSpecJson(), errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal([1e12, 3e12], spec!.IsoFlop!.Budgets);
        Assert.Equal(2 * 3 * 2, runs!.Count); // budgets × sizes × seeds
    }

    [Fact]
    public void IsoFlop_form_can_train_every_point_at_several_rates_under_mup()
    {
        var form = new StudyForm
        {
            Kind = StudyKind.IsoFlop, Name = "iso", Budgets = "1e12, 3e12", SizesPerBudget = 3, LearningRates = "0.001, 0.01",
            Parametrization = "mup", MupBaseWidth = 32,
        };

        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(form.ToSpecJson(), errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal([0.001, 0.01], spec!.IsoFlop!.LearningRates);
        Assert.Equal(2 * 3 * 2, runs!.Count); // budgets × sizes × rates
        Assert.All(runs, r => Assert.Equal(("mup", 32), (r.Config.Parametrization, r.Config.MupBaseWidth)));
        Assert.DoesNotContain("parametrization", new StudyForm().ToSpecJson());   // the standard one is the default: not written
    }

    [Fact]
    public void IsoFlop_form_with_shared_sizes_writes_law_based_stopping()
    {
        var form = new StudyForm
        {
            Kind = StudyKind.IsoFlop, Name = "iso", Budgets = "1e12, 4e12", IsoFlopSizes = "20000, 40000, 80000",
            EarlyStopping = "law", LawAt = "0.3, 0.6", LawKeep = 2,
        };

        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(form.ToSpecJson(), errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal([20000.0, 40000, 80000], spec!.IsoFlop!.Sizes);
        Assert.Equal(2 * 3, runs!.Count);
        Assert.Equal((EarlyStoppingMethods.Law, 2), (spec.EarlyStopping!.Method, spec.EarlyStopping.Keep));
        Assert.Equal([0.3, 0.6], spec.EarlyStopping.JudgedAt());
        // A ladder writes none (it refuses early stopping), whatever was picked before switching to it.
        form.Kind = StudyKind.Ladder;
        Assert.DoesNotContain("earlyStopping", form.ToSpecJson());
    }

    [Fact]
    public void IsoFlop_form_writes_an_adaptive_design_and_no_early_stopping_beside_it()
    {
        var form = new StudyForm
        {
            Kind = StudyKind.IsoFlop, Name = "iso", Budgets = "1e12, 3e12, 1e13", SizesPerBudget = 5, EarlyStopping = "asha",
            Adaptive = true, AdaptiveWidth = 0.08, AdaptiveFraction = 0.4, AdaptiveRunsPerRound = 3,
        };

        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(form.ToSpecJson(), errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(new AdaptiveSpec(0.08, AdaptiveSpec.IsoFlopExponent, 0.4, 3), spec!.IsoFlop!.Adaptive);
        Assert.Null(spec.EarlyStopping);   // an adaptive design refuses it: the form does not write it
        Assert.Equal(3 * 5, runs!.Count);  // the grid, as candidates
        Assert.Equal("adaptiveWidth", StudyForm.FieldFor("isoflop.adaptive.targetWidth"));
        Assert.Equal("adaptiveFraction", StudyForm.FieldFor("isoflop.adaptive.maxComputeFraction"));
        Assert.Equal("adaptive", StudyForm.FieldFor("isoflop.adaptive"));
    }

    [Fact]
    public void Crossing_target_writes_the_mixer_axis_of_two_architectures_that_the_parser_expands_into_both_grids()
    {
        var form = new StudyForm
        {
            Kind = StudyKind.IsoFlop, Name = "cross", Budgets = "1e12, 3e12, 1e13", SizesPerBudget = 5, Seeds = "1, 2",
            Adaptive = true, AdaptiveTarget = AdaptiveSpec.CrossingCompute, AdaptiveWidth = 0.5,
        };
        form.OfferTargetDefaults();   // the grid tab's dModel axis cannot name architectures: the mixer does

        var json = JsonDocument.Parse(form.ToSpecJson()).RootElement;
        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(form.ToSpecJson(), errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);

        var adaptive = json.GetProperty("isoflop").GetProperty("adaptive");
        Assert.Equal("crossingCompute", adaptive.GetProperty("target").GetString());
        Assert.Equal(0.5, adaptive.GetProperty("targetWidth").GetDouble());
        var axis = Assert.Single(json.GetProperty("axes").EnumerateObject());   // the seeds are not written beside it
        Assert.Equal("mixer", axis.Name);
        Assert.Equal(["softmax", "gla"], axis.Value.EnumerateArray().Select(v => v.GetString()));
        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal(new AdaptiveSpec(0.5, AdaptiveSpec.CrossingCompute, 0.5, 2), spec!.IsoFlop!.Adaptive);
        Assert.Equal("mixer", AdaptiveSweep.GroupField(spec));   // the design groups its fits by the axis
        Assert.Equal(3 * 5 * 2, runs!.Count);                      // budgets x sizes x 2 architectures, no seeds
    }

    [Fact]
    public void Crossing_target_keeps_an_architecture_axis_the_researcher_chose()
    {
        var form = new StudyForm { Kind = StudyKind.IsoFlop, Adaptive = true, AdaptiveTarget = AdaptiveSpec.CrossingCompute, AxisField = "mixer", AxisValues = "linear, mamba" };

        form.OfferTargetDefaults();

        Assert.Equal(("mixer", "linear, mamba"), (form.AxisField, form.AxisValues));
        Assert.Equal(["linear", "mamba"], JsonDocument.Parse(form.ToSpecJson()).RootElement.GetProperty("axes").GetProperty("mixer").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void The_width_left_at_one_kind_of_targets_default_follows_the_target_and_a_chosen_width_stays()
    {
        var form = new StudyForm { Kind = StudyKind.IsoFlop, Adaptive = true };
        Assert.Equal(0.1, form.AdaptiveWidth);

        form.AdaptiveTarget = AdaptiveSpec.CrossingCompute;
        form.OfferTargetDefaults();
        Assert.Equal(0.5, form.AdaptiveWidth);   // decades of compute: within a factor of about 3

        form.AdaptiveTarget = AdaptiveSpec.ChinchillaExponent;
        form.OfferTargetDefaults();
        Assert.Equal(0.1, form.AdaptiveWidth);

        form.AdaptiveWidth = 0.05;
        form.AdaptiveTarget = AdaptiveSpec.CrossingCompute;
        form.OfferTargetDefaults();
        Assert.Equal(0.05, form.AdaptiveWidth);
    }

    [Fact]
    public void Exponent_targets_write_their_target_and_no_axis()
    {
        var form = new StudyForm { Kind = StudyKind.IsoFlop, Adaptive = true, AdaptiveTarget = AdaptiveSpec.ChinchillaExponent, AxisField = "mixer", AxisValues = "softmax, gla" };

        form.OfferTargetDefaults();
        var json = JsonDocument.Parse(form.ToSpecJson()).RootElement;

        Assert.Equal("chinchillaExponent", json.GetProperty("isoflop").GetProperty("adaptive").GetProperty("target").GetString());
        Assert.False(json.TryGetProperty("axes", out _));
    }

    [Fact]
    public void Ablation_form_varies_one_field_and_sweeps_learning_rates_per_arm()
    {
        var form = new StudyForm { Kind = StudyKind.Ablation, VariedField = "mixer", VariedValues = "linear, gla", LearningRates = "0.001, 0.01" };

        var json = JsonDocument.Parse(form.ToSpecJson()).RootElement;

        Assert.Equal("ablation", json.GetProperty("kind").GetString());
        Assert.Equal(["linear", "gla"], json.GetProperty("ablation").GetProperty("variations").GetProperty("mixer").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([0.001, 0.01], json.GetProperty("ablation").GetProperty("learningRates").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(64, json.GetProperty("base").GetProperty("dModel").GetInt32());
    }

    [Fact]
    public void Ladder_form_writes_a_spec_whose_branches_start_from_each_sizes_trunk()
    {
        var form = new StudyForm { Kind = StudyKind.Ladder, Name = "ladder", Task = "lm", LadderSizes = "2e4, 8e4", TokensPerParameter = "5, 10, 20", Cooldown = 0.1 };

        var errors = new ValidationErrors();
        var spec = SweepSpecParser.Parse(form.ToSpecJson(), errors);
        var runs = spec is null ? null : SweepExpander.Expand(Guid.Empty, spec, SweepLimits.Default, errors);

        Assert.True(errors.IsEmpty, errors.ToString());
        Assert.Equal((0.1, ScaleLab.Runs.CooldownShapes.OneMinusSqrt), (spec!.Ladder!.Cooldown, spec.Ladder.CooldownShape));
        Assert.Equal(6, runs!.Count);                                                // 2 sizes × 3 budgets
        Assert.Equal(4, runs.Count(r => r.Config.InitFrom is not null));              // of which 2 per size branch off its trunk
    }

    [Fact]
    public void Grid_values_that_are_whole_numbers_stay_integers()
    {
        var json = JsonDocument.Parse(new StudyForm { Kind = StudyKind.Grid, AxisField = "dModel", AxisValues = "32, 64" }.ToSpecJson()).RootElement;

        Assert.Equal(["32", "64"], json.GetProperty("axes").GetProperty("dModel").EnumerateArray().Select(v => v.GetRawText()));
    }

    [Theory]
    [InlineData("isoflop.budgets[1]", "budgets")]
    [InlineData("isoflop.sizesPerBudget", "sizesPerBudget")]
    [InlineData("base.seqLen", "seqLen")]
    [InlineData("ablation.variations.mixer[0]", "variedValues")]
    [InlineData("axes.seed[0]", "seeds")]
    [InlineData("axes.dModel[1]", "axisValues")]
    [InlineData("ladder.sizes[0]", "ladderSizes")]
    [InlineData("ladder.tokensPerParameter[2]", "tokensPerParameter")]
    [InlineData("ladder.cooldown", "cooldown")]
    [InlineData("isoflop.learningRates[1]", "learningRates")]
    [InlineData("base.mupBaseWidth", "mupBaseWidth")]
    [InlineData("name", "name")]
    [InlineData("isoflop.sizes[0]", "sizes")]
    [InlineData("earlyStopping.at[1]", "lawAt")]
    [InlineData("earlyStopping.keep", "lawKeep")]
    [InlineData("earlyStopping.method", "earlyStopping")]
    [InlineData("isoflop.adaptive.target", "adaptiveTarget")]
    [InlineData("isoflop.adaptive.runsPerRound", "adaptiveRunsPerRound")]
    [InlineData("axes", "axisValues")]          // a crossing with no axis
    [InlineData("axes.mixer", "axisValues")]    // a crossing's axis of other than two values
    [InlineData("body", null)]
    public void Api_error_keys_land_on_the_form_field_that_wrote_them(string errorKey, string? field) =>
        Assert.Equal(field, StudyForm.FieldFor(errorKey));
}
