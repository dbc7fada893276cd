using System.IO.Compression;
using System.Text.Json;
using ScaleLab.Runs;
using ScaleLab.Sweeps;
using TorchSharp.Modules;

namespace ScaleLab.Workers.Training;

/// <summary>
/// A checkpoint as one file: a zip (stored, not compressed) of model.bin (TorchSharp module format),
/// optimizer.bin (AdamW state) and manifest.json (run config, step, tokens, losses).
/// </summary>
public static class CheckpointArchive
{
    public sealed record Manifest(RunConfig Config, int Step, long Tokens, double Loss, double? ValLoss, string Format = "scalelab-checkpoint/1");

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

    /// <summary>Rebuilds the model of a checkpoint (on CPU) and returns it with the manifest.</summary>
    public static (DecoderLM Model, Manifest Manifest) ReadModel(Stream source)
    {
        using var zip = new ZipArchive(source, ZipArchiveMode.Read, leaveOpen: true);
        Manifest manifest;
        using (var entry = zip.GetEntry("manifest.json")!.Open())
            manifest = JsonSerializer.Deserialize<Manifest>(entry, SpecJson.Options)!;
        var model = new DecoderLM(manifest.Config);
        using (var entry = zip.GetEntry("model.bin")!.Open())
        {
            // TorchSharp's loader seeks, and zip entry streams do not.
            using var buffered = new MemoryStream();
            entry.CopyTo(buffered);
            buffered.Position = 0;
            model.load(buffered);
        }
        return (model, manifest);
    }
}
