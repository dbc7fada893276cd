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
        if (!_byField.TryGetValue(field, out var messages)) _byField[field] = messages = [];
        if (messages.Contains(message)) return;
        messages.Add(message);
        _count++;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _byField.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);

    public override string ToString() =>
        string.Join("; ", _byField.SelectMany(kv => kv.Value.Select(m => $"{kv.Key}: {m}")));
}
