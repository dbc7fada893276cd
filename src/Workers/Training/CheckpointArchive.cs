using System.IO.Compression;
using System.Text.Json;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using TorchSharp.Modules;

namespace ScaleLab.Workers.Training;

/// <summary>
/// A checkpoint as one file: a zip (stored, not compressed) of model.bin (TorchSharp module format),
/// optimizer.bin (AdamW moments and step counts) and manifest.json (run config, step, tokens, losses, wall clock).
/// With the step, the data position is known too (a task's batch is a function of the step, ITrainingTask.Train), so a
/// checkpoint resumes a run where it stopped: bit for bit on the CPU, within the GPU's run-to-run variation there.
/// </summary>
public static class CheckpointArchive
{
    /// <summary>The file (or blob) name of the checkpoint kept at a branch point, beside the run's latest and final ones.</summary>
    public static string BranchPointName(int step) => $"step-{step}.ckpt";

    /// <param name="Loss">The last logged training loss; null before the run's first log (a ladder's branch point can come earlier).</param>
    public sealed record Manifest(
        RunConfig Config, int Step, long Tokens, double? Loss, double? ValLoss, double WallClockSeconds = 0,
        string Format = "scalelab-checkpoint/1");

    public static void Write(DecoderLM model, AdamW optimizer, Manifest manifest, Stream destination)
    {
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = zip.CreateEntry("model.bin", CompressionLevel.NoCompression).Open())
            model.save(entry);
        using (var entry = zip.CreateEntry("optimizer.bin", CompressionLevel.NoCompression).Open())
        using (var writer = new BinaryWriter(entry))
            optimizer.save_state_dict(writer);
        using (var entry = zip.CreateEntry("manifest.json", CompressionLevel.NoCompression).Open())
            JsonSerializer.Serialize(entry, manifest, SpecJson.Options);
    }

    public static Manifest ReadManifest(Stream source)
    {
        using var zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        using var entry = zip.GetEntry("manifest.json")!.Open();
        return JsonSerializer.Deserialize<Manifest>(entry, SpecJson.Options)!;
    }

    /// <summary>Loads a checkpoint's weights into a model built for the same config, before training wraps it.</summary>
    public static Manifest RestoreModel(Stream source, DecoderLM model)
    {
        var manifest = ReadManifest(source);
        using var zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        model.load(Buffered(zip, "model.bin"));
        return manifest;
    }

    /// <summary>Loads a checkpoint's AdamW state into an optimizer over the same parameter groups.</summary>
    public static void RestoreOptimizer(Stream source, AdamW optimizer)
    {
        using var zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        using var reader = new BinaryReader(Buffered(zip, "optimizer.bin"));
        optimizer.load_state_dict(reader);
    }

    /// <summary>Rebuilds the model of a checkpoint (on CPU) and returns it with the manifest.</summary>
    public static (DecoderLM Model, Manifest Manifest) ReadModel(Stream source)
    {
        var manifest = ReadManifest(source);
        using var zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        var model = new DecoderLM(manifest.Config);
        model.load(Buffered(zip, "model.bin"));
        return (model, manifest);
    }

    /// <summary>TorchSharp's loaders seek, and zip entry streams do not.</summary>
    private static MemoryStream Buffered(ZipArchive zip, string name)
    {
        using var entry = zip.GetEntry(name)?.Open() ?? throw new InvalidDataException($"checkpoint has no {name}");
        var buffer = new MemoryStream();
        entry.CopyTo(buffer);
        buffer.Position = 0;
        return buffer;
    }
}
