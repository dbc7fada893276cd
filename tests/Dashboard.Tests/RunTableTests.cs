using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ScaleLab.Catalog;
using ScaleLab.Dashboard.Account;
using ScaleLab.Dashboard.Components.Pages;
using ScaleLab.Dashboard.Runs;
using ScaleLab.Runs;
using ScaleLab.Sweeps;

namespace ScaleLab.Dashboard.Tests;

/// <summary>A sweep's runs table: filtered, sorted by any column with runs lacking the value last, and exported as CSV.</summary>
public class RunTableTests : BunitContext
{
    private static readonly Guid SweepId = Guid.NewGuid();

    private static RunSummary Run(string name, RunStatus status, long parameters, double? finalLoss, double? lastLoss = null, string? error = null) =>
        new(Guid.NewGuid(), SweepId, name, status, parameters, parameters + 1000, 1_000_000, 6.0 * parameters * 1e6, 1, 100, 100,
            lastLoss, finalLoss, finalLoss is null ? null : finalLoss + 0.1, null, error, 12.5);

    private static readonly RunSummary[] Runs =
    [
        Run("iso-d64", RunStatus.Succeeded, 64_000, 3.2),
        Run("iso-d128", RunStatus.Running, 128_000, null, lastLoss: 3.4),
        Run("iso-d256", RunStatus.Failed, 256_000, null, error: "CUDA out of memory"),
        Run("iso-d32", RunStatus.Succeeded, 32_000, 3.5),
    ];

    private static RunField Field(string name) => RunFields.Of(Runs, null).Find(name)!;

    [Fact]
    public void Sorting_by_loss_puts_runs_without_one_last_either_way()
    {
        Assert.Equal(["iso-d64", "iso-d128", "iso-d32", "iso-d256"], RunTable.Sort(Runs, Field(RunFields.Loss), descending: false).Select(r => r.Name));
        Assert.Equal(["iso-d32", "iso-d128", "iso-d64", "iso-d256"], RunTable.Sort(Runs, Field(RunFields.Loss), descending: true).Select(r => r.Name));
        Assert.Equal(["iso-d256", "iso-d128", "iso-d64", "iso-d32"], RunTable.Sort(Runs, Field(RunFields.Parameters), descending: true).Select(r => r.Name));
    }

    [Fact]
    public void Words_without_an_operator_match_name_status_and_error()
    {
        RunFilter Filter(string text) => RunFilter.Parse(text, RunFields.Of(Runs, null));
        Assert.Equal(["iso-d256"], Filter("out of MEMORY").Apply(Runs).Select(r => r.Name));
        Assert.Equal(["iso-d64", "iso-d32"], Filter("succeeded").Apply(Runs).Select(r => r.Name));
        Assert.Equal(4, Filter("  ").Apply(Runs).Count());
    }

    [Fact]
    public void The_csv_has_a_row_per_run_quoted_and_without_formulas()
    {
        var csv = RunTable.ToCsv([Runs[0], Run("=cmd|' /C calc'!A0", RunStatus.Failed, 1, null, error: "boom, \"quoted\"")]).Split('\n');

        Assert.StartsWith("id,name,status,non_embedding_parameters", csv[0]);
        Assert.Equal($"{Runs[0].Id},iso-d64,Succeeded,64000,65000,1000000,384000000000,100,100,3.2,3.3000000000000003,1,12.5,", csv[1]);
        Assert.Contains(",'=cmd|' /C calc'!A0,Failed,", csv[2]);
        Assert.EndsWith(",\"boom, \"\"quoted\"\"\"", csv[2]);
    }

    [Fact]
    public void The_latex_table_has_the_columns_shown_each_group_under_its_header_and_names_escaped()
    {
        RunSummary[] runs = [Run("iso_d64", RunStatus.Succeeded, 64_000, 3.2), Run("iso-d128 #2", RunStatus.Failed, 128_000, null, error: "boom")];
        var totalParams = RunFields.Of(runs, null).Find(RunFields.TotalParameters);   // a field without a column: shown in an extra one while sorted by

        var latex = RunTable.ToLatex(runs, RunGroups.By(runs, RunGroups.Status, null), totalParams);

        Assert.Equal("""
            \begin{tabular}{l l r r r r r r r r}
            \toprule
            Run & Status & Params (non-emb) & Tokens & FLOPs & Step & Loss & Val loss & Attempt & totalParams \\
            \midrule
            \multicolumn{10}{l}{\textit{status Succeeded}} \\
            iso\_d64 & Succeeded & 64,000 & 1,000,000 & $3.84\times10^{11}$ & 100 / 100 & 3.2000 & 3.3000 & 1 & $6.5\times10^{4}$ \\
            \midrule
            \multicolumn{10}{l}{\textit{status Failed}} \\
            iso-d128 \#2 & Failed & 128,000 & 1,000,000 & $7.68\times10^{11}$ & 100 / 100 & -- & -- & 1 & $1.29\times10^{5}$ \\
            \bottomrule
            \end{tabular}

            """.ReplaceLineEndings("\n"), latex);
        Assert.DoesNotContain("multicolumn", RunTable.ToLatex(runs, null, null));   // ungrouped: the rows alone
    }

    [Fact]
    public async Task On_the_sweep_page_a_header_click_sorts_and_the_filter_narrows()
    {
        var detail = new SweepDetail(new SweepSummary(SweepId, "iso", "isoflop", SweepStatus.Running, 4, 2, 1, 1e15, DateTimeOffset.UtcNow, null), "{}", Runs);
        Services.AddSingleton(new FakeApi(_ => FakeApi.Json(detail)).Client());
        Services.AddSingleton(new DashboardSessions(TimeProvider.System));
        JSInterop.Mode = JSRuntimeMode.Loose;
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));   // rows as plain HTML, no curves fetched

        var page = Render<SweepPage>(p => p.Add(c => c.Id, SweepId));
        string[] Names() => page.FindAll("table.runs tbody td a[href^='runs/']").Select(a => a.TextContent).ToArray();
        page.WaitForAssertion(() => Assert.Equal(["iso-d64", "iso-d128", "iso-d256", "iso-d32"], Names()));

        // Found and clicked on the renderer's own thread, and the result waited for: the page's own refresh may render
        // between a Find and a Click, leaving the click on a handler that is gone (seen on a loaded CI machine).
        await page.InvokeAsync(() => page.Find("button.sort[data-column='loss']").Click());
        page.WaitForAssertion(() => Assert.Equal(["iso-d64", "iso-d128", "iso-d32", "iso-d256"], Names()));
        await page.InvokeAsync(() => page.Find("button.sort[data-column='loss']").Click());
        page.WaitForAssertion(() => Assert.Equal(["iso-d32", "iso-d128", "iso-d64", "iso-d256"], Names()));
        Assert.Equal(RunFields.Loss, page.Find("th[aria-sort='descending'] button").GetAttribute("data-column"));

        await page.InvokeAsync(() => page.Find("#runs-filter").Input("succeeded"));
        page.WaitForAssertion(() => Assert.Equal(["iso-d32", "iso-d64"], Names()));
        Assert.Contains("2 of 4 runs", page.Find(".runs-tools").TextContent);
    }
}
