using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScaleLab.Sweeps;

/// <summary>The JSON conventions of specs and run configs: camelCase, strict about unknown fields and numbers.</summary>
public static class SpecJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        MaxDepth = 16,
        AllowDuplicateProperties = false,
    };

    /// <summary>The same, indented, for showing a config to a person.</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };
}
