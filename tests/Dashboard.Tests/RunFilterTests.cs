using ScaleLab.Catalog;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Runs;

namespace ScaleLab.Dashboard.Tests;

/// <summary>
/// The runs table's filter expressions and its sort by any field: config fields the runs differ in, the budget and the
/// metrics, numbers numerically, runs lacking a value last; what cannot be read is said, not dropped.
/// </summary>
public class RunFilterTests
{
    private static readonly Guid SweepId = Guid.NewGuid();

    private static RunSummary Run(string name, RunStatus status, double flops, double? finalLoss, double? lastLoss = null, string? error = null) =>
        new(Guid.NewGuid(), SweepId, name, status, 64_000, 65_000, 1_000_000, flops, 1, 100, 100, lastLoss, finalLoss, finalLoss, null, error, 10);

    // Two budgets: 1E+12 (the first two) and 3E+12 (the last two).
    private static readonly RunSummary A = Run("gla-d64", RunStatus.Succeeded, 1.00e12, 3.2);
    private static readonly RunSummary B = Run("softmax-d128", RunStatus.Running, 1.02e12, null, lastLoss: 3.4);
    private static readonly RunSummary C = Run("gla-d512", RunStatus.Failed, 3.00e12, null, error: "CUDA out of memory");
    private static readonly RunSummary D = Run("softmax-d64", RunStatus.Succeeded, 3.05e12, 3.5);
    private static readonly RunSummary[] Runs = [A, B, C, D];

    /// <summary>As GET /api/sweeps/{id}/fields answers: C's config lacks a learning rate; "tokens" is also a column's field.</summary>
    private static readonly SweepFields Config = new(["dModel", "learningRate", "mixer", "tokens"], new Dictionary<Guid, IReadOnlyList<string>>
    {
        [A.Id] = ["64", "0.003", "gla", "1000000"],
        [B.Id] = ["128", "0.001", "softmax", "2000000"],
        [C.Id] = ["512", SweepFields.Missing, "gla", "3000000"],
        [D.Id] = ["64", "1e-3", "softmax", "4000000"],
    });

    private static readonly RunFields Fields = RunFields.Of(Runs, Config);

    private static RunFilter Parse(string text) => RunFilter.Parse(text, Fields);

    private static string[] Kept(string text)
    {
        var filter = Parse(text);
        Assert.Empty(filter.Errors);
        return [.. filter.Apply(Runs).Select(r => r.Name)];
    }

    private static string[] Sorted(string field, bool descending = false) =>
        [.. RunTable.Sort(Runs, Fields.Find(field)!, descending).Select(r => r.Name)];

    [Fact]
    public void Expressions_over_config_fields_and_metrics_combine_with_and()
    {
        Assert.Equal(["gla-d64", "gla-d512"], Kept("mixer=gla"));
        Assert.Equal(["gla-d512"], Kept("mixer=gla dModel>=128"));
        Assert.Equal(["gla-d64", "softmax-d128"], Kept("loss<3.45"));             // a running run's latest loss, as the table shows it
        Assert.Equal(["softmax-d128"], Kept("loss<3.45 mixer!=gla"));
        Assert.Equal(["softmax-d128", "gla-d512"], Kept("dModel > 64"));           // spaces around the operator
    }

    [Fact]
    public void Numbers_compare_numerically_in_any_notation()
    {
        Assert.Equal(["softmax-d128", "softmax-d64"], Kept("learningRate<=1e-3"));  // 0.001 and 1e-3 alike
        Assert.Equal(["softmax-d128", "softmax-d64"], Kept("learningRate=0.001"));
        Assert.Equal(["gla-d512", "softmax-d64"], Kept("flops>=2E+12"));
        Assert.Equal(["gla-d512", "softmax-d64"], Kept("budget=3e12"));            // the budget a group-by header names
        Assert.Equal(["gla-d64", "softmax-d64"], Kept("dModel=64.0"));
    }

    [Fact]
    public void A_run_lacking_the_value_matches_only_not_equal()
    {
        Assert.Equal(["softmax-d128", "gla-d512", "softmax-d64"], Kept("learningRate!=0.003"));
        Assert.Equal(["gla-d64", "softmax-d128", "softmax-d64"], Kept("learningRate>0"));
        Assert.Equal(["gla-d64", "softmax-d64"], Kept("valLoss>0"));
    }

    [Fact]
    public void Text_compares_ignoring_case_and_words_without_an_operator_search_name_status_and_error()
    {
        Assert.Equal(["gla-d512"], Kept("status=failed"));
        Assert.Equal(["softmax-d128", "gla-d512"], Kept("STATUS!=Succeeded"));
        Assert.Equal(["gla-d64", "gla-d512"], Kept("Mixer=GLA"));
        Assert.Equal(["gla-d512"], Kept("memory"));
        Assert.Equal(["gla-d512"], Kept("\"out of memory\" dModel>100"));
        Assert.Equal(["softmax-d64"], Kept("softmax d64"));
        Assert.Equal(["gla-d64", "gla-d512"], Kept("\"gla-d\""));
        Assert.Equal(4, Kept("   ").Length);
    }

    [Fact]
    public void A_config_field_named_like_a_column_is_its_config_field()
    {
        Assert.Equal(["softmax-d128", "gla-d512", "softmax-d64"], Kept("config.tokens>1e6"));
        Assert.Empty(Kept("tokens>1e6"));                                            // the column: every run plans 1e6 tokens
        Assert.Contains("config.tokens", Fields.Names);
    }

    [Fact]
    public void An_unknown_field_is_named_with_the_fields_there_are_and_the_rest_of_the_filter_applies()
    {
        var filter = Parse("C=3E+14 mixer=gla");

        var error = Assert.Single(filter.Errors);
        Assert.StartsWith("No field ‘C’ in ‘C=3E+14’. Fields: name, status, error, params, totalParams, tokens, flops, budget, step, loss, valLoss, attempt, wallClock, dModel, learningRate, mixer, config.tokens.", error);
        Assert.EndsWith("To find the text in run names, put it in quotes: \"C=3E+14\".", error);
        Assert.Equal(["gla-d64", "gla-d512"], filter.Apply(Runs).Select(r => r.Name));
    }

    [Theory]
    [InlineData("loss<", "‘loss<’ has no value after <.")]
    [InlineData("=gla", "‘=gla’ has no field before =.")]
    [InlineData("loss=<3", "‘loss=<3’: no operator =<; use = != < <= > >=.")]
    [InlineData("loss==3", "‘loss==3’: no operator ==; use = != < <= > >=.")]
    [InlineData("dModel=big", "‘dModel=big’: dModel is a number, and ‘big’ is not one (write 3.5 or 1e12).")]
    [InlineData("loss<NaN", "‘loss<NaN’: loss is a number, and ‘NaN’ is not one (write 3.5 or 1e12).")]
    [InlineData("mixer>3", "‘mixer>3’: mixer is text, and > compares numbers; use = or !=.")]
    [InlineData("status=done", "‘status=done’: status is one of Queued, Running, Succeeded, Failed, Cancelled, Stopped.")]
    [InlineData("name=\"gla", "Unclosed quote in ‘name=\"gla’.")]
    public void A_malformed_expression_is_said_and_not_applied(string text, string message)
    {
        var filter = Parse(text);

        Assert.Equal([message], filter.Errors);
        Assert.Equal(4, filter.Apply(Runs).Count());
    }

    [Fact]
    public void Before_the_config_fields_are_read_a_name_that_may_be_one_waits_without_an_error()
    {
        var filter = RunFilter.Parse("mixer=gla loss<3.3", RunFields.Of(Runs, null));

        Assert.Empty(filter.Errors);
        Assert.Equal(["gla-d64"], filter.Apply(Runs).Select(r => r.Name));           // the metric applies already
    }

    [Fact]
    public void Sorting_by_a_numeric_config_field_is_numeric_stable_and_puts_runs_lacking_it_last()
    {
        Assert.Equal(["gla-d64", "softmax-d64", "softmax-d128", "gla-d512"], Sorted("dModel"));                 // not 128 < 512 < 64
        Assert.Equal(["gla-d512", "softmax-d128", "gla-d64", "softmax-d64"], Sorted("dModel", descending: true)); // ties in the given order
        Assert.Equal(["softmax-d128", "softmax-d64", "gla-d64", "gla-d512"], Sorted("learningRate"));
        Assert.Equal(["gla-d64", "softmax-d128", "softmax-d64", "gla-d512"], Sorted("learningRate", descending: true));
    }

    [Fact]
    public void Sorting_by_text_is_ordinal_and_by_budget_or_wall_clock_numeric()
    {
        Assert.Equal(["gla-d64", "gla-d512", "softmax-d128", "softmax-d64"], Sorted("mixer"));
        Assert.Equal(["gla-d512", "gla-d64", "softmax-d128", "softmax-d64"], Sorted(RunFields.Name));
        Assert.Equal(["gla-d512", "softmax-d64", "gla-d64", "softmax-d128"], Sorted(RunFields.Budget, descending: true));
        Assert.Equal(["gla-d512", "gla-d64", "softmax-d128", "softmax-d64"], Sorted(RunFields.Error));          // the one with an error first
        Assert.Equal("dModel", Fields.Find("DMODEL")!.Name);
    }

    [Fact]
    public void A_sort_is_written_as_a_field_with_a_minus_for_descending()
    {
        Assert.Equal("-dModel", new RunSort("dModel", Descending: true).ToString());
        Assert.Equal(new RunSort("loss", false), RunSort.Parse(" loss "));
        Assert.Equal(new RunSort("loss", true), RunSort.Parse("-loss"));
        Assert.Null(RunSort.Parse("-"));
        Assert.Null(RunSort.Parse(null));
    }
}
