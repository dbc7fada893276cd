using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Models;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using ScaleLab.Validation;
using ScaleLab.Workers.Corpus;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Slots;
using ScaleLab.Workers.Training;
using ScaleLab.Workers.Training.Tasks;

namespace ScaleLab.Workers.Standalone;

/// <summary>
/// `train --config FILE.json --out DIR [--resume] [--branch-points S,...] [--init-from CKPT]`: one run outside any
/// cluster (researchers, benchmarks, GPU machines). Prints one JSON object per logged step and a final summary line;
/// writes DIR/metrics.jsonl, DIR/checkpoints/latest.ckpt (every checkpointInterval steps), DIR/checkpoints/step-S.ckpt
/// at each branch point, and DIR/final.ckpt. A ladder runs this way as its trunk with --branch-points, then each branch
/// with --init-from the trunk's checkpoint where the branch's cooldown begins.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "run config (JSON, the fields of a sweep's base)", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "folder for metrics and checkpoints", Required = true };
        var resume = new Option<bool>("--resume") { Description = "continue from OUT/checkpoints/latest.ckpt" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "stop at the first log step at or after N (to test interruption)" };
        var branchPoints = new Option<string?>("--branch-points") { Description = "steps (comma-separated) at which to keep a checkpoint for other runs to branch from" };
        var initFrom = new Option<FileInfo?>("--init-from") { Description = "start from another run's checkpoint (a branch point) instead of from scratch" };
        var command = new Command("train", "Train one run standalone") { config, output, resume, maxSteps, branchPoints, initFrom };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(config)!, parse.GetValue(output)!, parse.GetValue(resume), parse.GetValue(maxSteps),
            parse.GetValue(branchPoints), parse.GetValue(initFrom), ct));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo configFile, DirectoryInfo outDir, bool resume, int? maxSteps, string? branchPointList,
        FileInfo? initFrom, CancellationToken ct)
    {
        var branchPoints = new HashSet<int>();
        foreach (var part in (branchPointList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (int.TryParse(part, out var step) && step >= 1) branchPoints.Add(step);
            else return Fail($"--branch-points: '{part}' is not a step (a whole number of at least 1)");
        if (initFrom is { Exists: false }) return Fail($"--init-from: no such checkpoint: {initFrom.FullName}");
        if (!configFile.Exists) return Fail($"No such config file: {configFile.FullName}");
        var errors = new ValidationErrors();
        var run = ReadConfig(await File.ReadAllTextAsync(configFile.FullName, ct), errors);
        if (run is null) return Fail("The run config is invalid:" + Environment.NewLine + string.Join(Environment.NewLine,
            errors.ToDictionary().SelectMany(kv => kv.Value.Select(m => $"  {kv.Key}: {m}"))));

        var settings = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        TorchRuntime.Initialize(settings);
        var device = DeviceSlot.Discover(1)[0];
        var precision = MixedPrecision.Resolve(run.Precision, device.Device);
        var task = TrainingTasks.Create(run, new CorpusProvider(settings));
        Directory.CreateDirectory(Path.Combine(outDir.FullName, "checkpoints"));
        var latest = Path.Combine(outDir.FullName, "checkpoints", "latest.ckpt");
        var metricsPath = Path.Combine(outDir.FullName, "metrics.jsonl");

        Stream? resumeFrom = null;
        if (resume)
        {
            if (!File.Exists(latest)) return Fail($"--resume: there is no {latest}");
            resumeFrom = new MemoryStream(await File.ReadAllBytesAsync(latest, ct));
            var from = CheckpointArchive.ReadManifest(resumeFrom).Step;
            resumeFrom.Position = 0;
            // Lines past the checkpoint belong to the interrupted attempt and are about to be produced again.
            var kept = File.Exists(metricsPath) ? File.ReadLines(metricsPath).Where(l => JsonNode.Parse(l)!["step"]!.GetValue<int>() <= from).ToList() : [];
            await File.WriteAllLinesAsync(metricsPath, kept, ct);
        }
        else if (File.Exists(metricsPath))
        {
            File.Delete(metricsPath);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var metrics = new StreamWriter(metricsPath, append: true);
        var observer = new ConsoleObserver(metrics, latest, maxSteps, stop);
        var trainer = new Trainer(run, task, device.Device, device.PeakFlops(precision, settings.GetValue<double?>("Torch:PeakTflops")), branchPoints);
        var branchFrom = initFrom is null ? null : new MemoryStream(await File.ReadAllBytesAsync(initFrom.FullName, ct));
        TrainingOutcome outcome;
        try
        {
            outcome = trainer.Train(observer, stop.Token, resumeFrom, branchFrom);
        }
        catch (InvalidDataException ex) when (branchFrom is not null)
        {
            return Fail($"--init-from: {ex.Message}");
        }
        catch (OperationCanceledException) when (maxSteps is not null && !ct.IsCancellationRequested)
        {
            Console.WriteLine(new JsonObject { ["stopped"] = true, ["step"] = observer.LastStep, ["reason"] = "--max-steps" }.ToJsonString());
            return 3;
        }

        var final = Path.Combine(outDir.FullName, "final.ckpt");
        using (var file = File.Create(final + ".tmp"))
            CheckpointArchive.Write(trainer.Model!, trainer.Optimizer!,
                new CheckpointArchive.Manifest(run, outcome.Steps, outcome.Tokens, outcome.FinalLoss, outcome.FinalValLoss, outcome.WallClockSeconds), file);
        File.Move(final + ".tmp", final, overwrite: true);
        Console.WriteLine(new JsonObject
        {
            ["summary"] = true, ["device"] = device.Name, ["precision"] = precision, ["mixer"] = run.Mixer, ["task"] = run.Task, ["steps"] = outcome.Steps, ["tokens"] = outcome.Tokens, ["flops"] = outcome.Flops,
            ["final_loss"] = outcome.FinalLoss, ["final_val_loss"] = outcome.FinalValLoss, ["final_accuracy"] = outcome.FinalAccuracy, ["wall_clock_s"] = outcome.WallClockSeconds,
            ["non_embedding_params"] = TransformerShape.NonEmbeddingParameters(run), ["total_params"] = TransformerShape.TotalParameters(run),
            ["resumed_from_step"] = outcome.ResumedFromStep, ["checkpoint"] = final, ["data"] = task.DataDescription, ["epochs"] = task.EpochsAfter(outcome.Steps),
            ["engine"] = trainer.Engine + (Training.Native.NativeOps.Available ? ", native ops" : ""),
        }.ToJsonString());
        return 0;
    }

    private static RunConfig? ReadConfig(string json, ValidationErrors errors)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException ex) { errors.Add("config", $"not valid JSON: {ex.Message}"); return null; }
        if (node is not JsonObject) { errors.Add("config", "must be a JSON object of run-config fields"); return null; }
        var config = SweepSpecParser.DeserializeConfig(node, errors, "config", f => f);
        if (config is not null) RunConfigValidator.Validate(config, errors, f => f);
        return errors.IsEmpty ? config : null;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    /// <summary>One JSON line per logged step on stdout and in metrics.jsonl; checkpoints written atomically to a file.</summary>
    private sealed class ConsoleObserver(StreamWriter metrics, string latestPath, int? maxSteps, CancellationTokenSource stop) : ITrainingObserver
    {
        public int LastStep { get; private set; }

        public void OnMetrics(IReadOnlyList<MetricSample> samples)
        {
            var first = samples[0];
            var line = new JsonObject { ["step"] = first.Step, ["tokens"] = first.Tokens, ["flops"] = first.Flops, ["wall_clock_s"] = first.WallClockSeconds };
            foreach (var s in samples) line[s.Name] = s.Value;
            var text = line.ToJsonString();
            Console.WriteLine(text);
            metrics.WriteLine(text);
            metrics.Flush();
        }

        public void OnProgress(RunProgress progress)
        {
            LastStep = progress.Step;
            if (maxSteps is { } max && progress.Step >= max && progress.Step < progress.TotalSteps) stop.Cancel();
        }

        public void OnCheckpoint(CheckpointArchive.Manifest manifest, Action<Stream> write) => WriteAtomically(latestPath, write);

        public void OnBranchPoint(CheckpointArchive.Manifest manifest, Action<Stream> write) =>
            WriteAtomically(Path.Combine(Path.GetDirectoryName(latestPath)!, CheckpointArchive.BranchPointName(manifest.Step)), write);

        private static void WriteAtomically(string path, Action<Stream> write)
        {
            using (var file = File.Create(path + ".tmp")) write(file);
            File.Move(path + ".tmp", path, overwrite: true); // a crash mid-write leaves the previous checkpoint intact
        }
    }
}
