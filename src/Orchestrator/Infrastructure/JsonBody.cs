using System.Text.Json;
using System.Text.Json.Nodes;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// Reads a JSON request body into <typeparamref name="T"/>: depth-limited, no duplicate fields, every value checked by
/// <see cref="JsonInput"/>, and a type or unknown-field error reported at the field's path.
/// </summary>
public static class JsonBody
{
    /// <param name="prefix">Put before every field name in errors (a nested object's own path, such as "config.").</param>
    public static T? Parse<T>(string body, JsonSerializerOptions options, ValidationErrors errors, string what, string prefix = "") where T : class
    {
        try
        {
            var node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
            if (!JsonInput.Check(node, errors)) return null;
            return node.Deserialize<T>(options) ?? throw new JsonException("null body");
        }
        catch (InvalidOperationException)
        {
            errors.Add(prefix.Length > 0 ? prefix.TrimEnd('.') : "body", JsonInput.InvalidName);
            return null;
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 2 } p ? prefix + p.TrimStart('$', '.') : prefix.Length > 0 ? prefix.TrimEnd('.') : "body";
            errors.Add(field, ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "unknown field"
                : field == "body" ? $"not a valid {what}: {ex.Message}" : "has the wrong type or an invalid value");
            return null;
        }
    }
}
