using ScaleLab.Client;
using System.CommandLine;
using System.Text.Json;
using ScaleLab.Scaling;
using ScaleLab.Validation;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>
/// `scalelab fit FILE.csv --law chinchilla|isoflop|compute`: a scaling-law fit with no service needed; or
/// `scalelab fit --sweeps ID...` (or `--sweep ID`, repeated): the same fit of sweeps' finished runs, made and stored by the service.
/// </summary>
public static class FitCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("file") { Description = "CSV with columns n, d, loss (optional: flops, group)", Arity = ArgumentArity.ZeroOrOne };
        var sweeps = IdArguments.SweepsOption("instead of a file: fit the finished runs of these sweeps (--sweep A --sweep B, or --sweeps A B) " +
            $"through the API, which stores the fit; the sweeps count N and C as their specs say. Each: {ScaleLab.Client.IdPrefix.Rule}");
        var law = new Option<FitLaw>("--law") { Description = "chinchilla (approach 3), isoflop (approach 2) or compute (L(C) on the frontier)", DefaultValueFactory = _ => FitLaw.Chinchilla };
        var bootstrap = new Option<int>("--bootstrap") { Description = "bootstrap resamples for confidence intervals", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "bootstrap seed", DefaultValueFactory = _ => 1 };
        var target = new Option<double?>("--target-compute") { Description = "FLOPs at which to report N_opt, D_opt and loss (default: the largest in the data)" };
        var confidence = new Option<double>("--confidence") { Description = "interval level", DefaultValueFactory = _ => 0.95 };
        var delta = new Option<double>("--delta") { Description = "Huber delta on log residuals", DefaultValueFactory = _ => ChinchillaFitter.DefaultDelta };
        var noIrreducible = new Option<bool>("--no-irreducible") { Description = "compute law: fit L = A·C^-alpha without E" };
        var allPoints = new Option<bool>("--all-points") { Description = "compute law: fit every point, not only the compute-efficient frontier" };
        var compute = new Option<string>("--compute")
        {
            Description = "exact: each point's flops column (allocations read F(N) off the points); 6ND: C = 6·N·D, as most papers report (files only)",
            DefaultValueFactory = _ => "exact",
        };
        compute.AcceptOnlyFromAmong([.. FlopAccounting.ComputeNames.Keys]);
        var threads = new Option<int>("--threads") { Description = "threads (results do not depend on it; files only)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("fit", "Fit a scaling law to points in a CSV file, or to the finished runs of sweeps")
            { file, sweeps, law, bootstrap, seed, target, confidence, delta, noIrreducible, allPoints, compute, threads };
        command.Validators.Add(result =>
        {
            var fromSweeps = result.GetResult(sweeps) is { Tokens.Count: > 0 };   // their values are not read here: a bad id is its own error
            if ((result.GetValue(file) is null) != fromSweeps) result.AddError("give a CSV file or --sweep, not both or neither");
            if (fromSweeps && result.GetResult(compute) is { Implicit: false }) result.AddError("--compute applies to files; sweeps count compute as their specs say");
        });

        command.SetAction((parse, ct) =>
        {
            if (parse.GetValue(sweeps) is { Length: > 0 } given)
                return ApiOptions.WithApiAsync(parse, async api =>
                {
                    var ids = new List<Guid>();
                    foreach (var sweep in given) ids.Add(await IdArguments.SweepIdAsync(api, sweep, sweeps.Name, ct));
                    return await SweepFit.WriteAsync(api, ApiOptions.KeyOf(parse),
                        new SweepFitRequest(ids, SweepFitRequest.LawName(parse.GetValue(law)), parse.GetValue(bootstrap), parse.GetValue(seed),
                            parse.GetValue(target), parse.GetValue(confidence), parse.GetValue(delta), !parse.GetValue(noIrreducible), !parse.GetValue(allPoints)),
                        parse.GetValue(ApiOptions.Json), AnsiConsole.Console, ct);
                });

            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                Console.Error.WriteLine($"No such file: {path.FullName}");
                return Task.FromResult(2);
            }
            var errors = new ValidationErrors();
            IReadOnlyList<ScalingPoint> points;
            using (var reader = path.OpenText()) points = ScalingCsv.Read(reader, errors);
            var options = new FitOptions
            {
                Law = parse.GetValue(law), Bootstrap = parse.GetValue(bootstrap), Seed = parse.GetValue(seed),
                TargetCompute = parse.GetValue(target), Confidence = parse.GetValue(confidence), Delta = parse.GetValue(delta),
                IrreducibleLoss = !parse.GetValue(noIrreducible), FrontierOnly = !parse.GetValue(allPoints),
                MaxThreads = Math.Max(1, parse.GetValue(threads)),
                Compute = FlopAccounting.ComputeNames[parse.GetValue(compute)!],
            };
            var result = errors.IsEmpty ? ScalingAnalysis.Run(points, options, errors) : null;
            if (result is null)
            {
                Console.Error.WriteLine($"Cannot fit {path.Name}:");
                foreach (var (field, messages) in errors.ToDictionary())
                    foreach (var message in messages) Console.Error.WriteLine($"  {field}: {message}");
                return Task.FromResult(2);
            }
            if (parse.GetValue(ApiOptions.Json)) Console.WriteLine(FitResultJson.Write(result).ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            else FitReport.Write(result, AnsiConsole.Console);
            return Task.FromResult(0);
        });
        return command;
    }
}
