using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ScaleLab.Scaling;

/// <summary>Writes and reads a <see cref="FitResult"/> inside any typed payload in the one shape of <see cref="FitResultJson"/>.</summary>
public sealed class FitResultJsonConverter : JsonConverter<FitResult>
{
    public override FitResult? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonNode.Parse(ref reader) is JsonObject fit ? FitResultJson.Read(fit) : null;

    public override void Write(Utf8JsonWriter writer, FitResult value, JsonSerializerOptions options) =>
        FitResultJson.Write(value).WriteTo(writer);
}
