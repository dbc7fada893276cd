namespace ScaleLab.Validation;

/// <summary>
/// Errors keyed by the field they concern, in the JSON path style a user sees in their spec ("base.dModel",
/// "axes.tokens[2]"). The shape matches RFC 7807 validation problem details, so the API returns it as is.
/// </summary>
public sealed class ValidationErrors
{
    /// <summary>A hostile spec could produce millions of errors; a person needs the first few.</summary>
    public const int MaxErrors = 25;

    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);
    private int _count;

    public bool IsEmpty => _count == 0;

    public bool IsFull => _count >= MaxErrors;

    public void Add(string field, string message)
    {
        if (IsFull) return;
        // Messages echo what the user sent; an unpaired surrogate in it would make the problem-details writer throw.
        (field, message) = (WellFormed(field), WellFormed(message));
        if (!_byField.TryGetValue(field, out var messages)) _byField[field] = messages = [];
        if (messages.Contains(message)) return;
        messages.Add(message);
        _count++;
    }

    public void AddAll(ValidationErrors other, string prefix = "")
    {
        foreach (var (field, messages) in other._byField)
            foreach (var message in messages) Add(prefix + field, message);
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>A UTF-8 round trip keeps surrogate pairs and turns each unpaired surrogate into U+FFFD.</summary>
    private static string WellFormed(string text) =>
        text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF') ? System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(text)) : text;

    public override string ToString() =>
        string.Join("; ", _byField.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}")));
}
