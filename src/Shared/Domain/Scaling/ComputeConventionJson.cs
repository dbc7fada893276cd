using System.Text.Json;
using System.Text.Json.Serialization;

namespace ScaleLab.Scaling;

/// <summary>A compute convention in JSON as researchers write it: "exact" or "6ND".</summary>
public sealed class ComputeConventionJson : JsonConverter<ComputeConvention>
{
    public override ComputeConvention Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && FlopAccounting.ComputeNames.TryGetValue(reader.GetString()!, out var convention)
            ? convention
            : throw new JsonException("must be \"exact\" or \"6ND\"");

    public override void Write(Utf8JsonWriter writer, ComputeConvention value, JsonSerializerOptions options) =>
        writer.WriteStringValue(new FlopAccounting(Compute: value).ComputeName);
}
