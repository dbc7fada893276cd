using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScaleLab.Validation;

/// <summary>
/// What every JSON document a user sends must satisfy before any field is read: each number fits a double (1e309 does
/// not: read as +∞, it made the serializer throw when the value was written back), and each string and field name is
/// valid UTF-16 (an escaped lone surrogate such as "\ud800" makes System.Text.Json throw when it is read, and would
/// make the JSON writer throw when an error message echoes it).
/// </summary>
public static class JsonInput
{
    /// <summary>The refusal of a field name that System.Text.Json cannot decode (while parsing, it checks names for duplicates).</summary>
    public const string InvalidName = "has a field name that is not valid text (an unpaired UTF-16 surrogate escape such as \\ud800)";

    /// <summary>Adds an error at the path of each offending value; true when there was none.</summary>
    public static bool Check(JsonNode? node, ValidationErrors errors, string path = "")
    {
        var found = new ValidationErrors();
        Walk(node, path, found);
        errors.AddAll(found);
        return found.IsEmpty;
    }

    private static void Walk(JsonNode? node, string path, ValidationErrors errors)
    {
        switch (node)
        {
            case JsonObject obj:
                List<KeyValuePair<string, JsonNode?>> fields;
                try { fields = obj.ToList(); } // field names are decoded here
                catch (InvalidOperationException)
                {
                    errors.Add(path.Length == 0 ? "body" : path, InvalidName);
                    return;
                }
                foreach (var (name, value) in fields) Walk(value, path.Length == 0 ? name : $"{path}.{name}", errors);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count && !errors.IsFull; i++) Walk(array[i], $"{path}[{i}]", errors);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try { value.GetValue<string>(); }
                catch (InvalidOperationException)
                {
                    errors.Add(path.Length == 0 ? "body" : path, "is not valid text (an unpaired UTF-16 surrogate escape such as \\ud800)");
                }
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                if (!value.TryGetValue<double>(out var number) || !double.IsFinite(number))
                    errors.Add(path.Length == 0 ? "body" : path, "is a number beyond the range of a double (at most about 1.8e308)");
                break;
        }
    }
}
