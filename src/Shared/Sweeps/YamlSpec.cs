using System.Globalization;
using System.Text.Json.Nodes;
using ScaleLab.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ScaleLab.Sweeps;

/// <summary>
/// Specs may be written in YAML: the document is turned into the JSON the parser reads. Plain scalars take YAML's core
/// schema types (null, true/false, integers, floats, .inf/.nan), quoted ones stay strings, so `learningRate: 3e-3`
/// is a number and `name: "1e3"` a string. Duplicate keys, anchors that form cycles and multi-document streams are refused.
/// </summary>
public static class YamlSpec
{
    /// <summary>JSON starts with '{' or '['; anything else is read as YAML.</summary>
    public static bool LooksLikeYaml(string text) => text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n') is { Length: > 0 } t && t[0] is not ('{' or '[');

    public static string? ToJson(string yaml, ValidationErrors errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            errors.Add("body", $"not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.InnerException?.Message ?? ex.Message}");
            return null;
        }
        if (stream.Documents.Count != 1)
        {
            errors.Add("body", "must be one YAML document");
            return null;
        }
        try
        {
            return Convert(stream.Documents[0].RootNode, depth: 0)?.ToJsonString() ?? "null";
        }
        catch (InvalidDataException ex)
        {
            errors.Add("body", ex.Message);
            return null;
        }
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > 32) throw new InvalidDataException("nests deeper than 32 levels");
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = key is YamlScalarNode { Value: { } k } ? k : throw new InvalidDataException("has a mapping key that is not a plain name");
                    if (obj.ContainsKey(name)) throw new InvalidDataException($"has the key '{name}' twice");
                    obj[name] = Convert(value, depth + 1);
                }
                return obj;
            case YamlSequenceNode list:
                return new JsonArray(list.Children.Select(c => Convert(c, depth + 1)).ToArray());
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InvalidDataException("has a node YAML specs do not use");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)) return JsonValue.Create(real);
        // .inf and .nan have no JSON form: as strings they fail the field's type check with a clear error.
        return JsonValue.Create(text);
    }
}
