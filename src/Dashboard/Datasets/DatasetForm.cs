using ScaleLab.Datasets;

namespace ScaleLab.Dashboard.Datasets;

/// <summary>
/// The register-a-data-set form's model: the fields of <see cref="DatasetRegistration"/>, starting at its defaults.
/// The API validates what it sends; the form shows each message next to the field it names.
/// </summary>
public sealed class DatasetForm
{
    private static readonly DatasetRegistration Defaults = new();

    public string Name { get; set; } = "";
    public string Source { get; set; } = "";
    public string Format { get; set; } = Defaults.Format;
    public string TextField { get; set; } = Defaults.TextField;
    public int TokenBytes { get; set; } = Defaults.TokenBytes;
    public double ValidationFraction { get; set; } = Defaults.ValidationFraction;

    /// <summary>Ticked tokenizers, kept in <see cref="DatasetTokenizers.All"/>'s order so error indices name the same one.</summary>
    public IReadOnlyList<string> Tokenizers { get; private set; } = Defaults.Tokenizers;

    /// <summary>Whether the format reads a text field (jsonl) or a token width (bin); the other formats ignore them.</summary>
    public bool UsesTextField => Format == DatasetFormats.Jsonl;
    public bool UsesTokenBytes => Format == DatasetFormats.Bin;

    public void SetTokenizer(string tokenizer, bool ticked)
    {
        var set = Tokenizers.ToHashSet(StringComparer.Ordinal);
        if (ticked) set.Add(tokenizer);
        else set.Remove(tokenizer);
        Tokenizers = DatasetTokenizers.All.Where(set.Contains).ToList();
    }

    public DatasetRegistration ToRegistration() => new()
    {
        Name = Name.Trim(), Source = Source.Trim(), Format = Format, TextField = TextField, Tokenizers = Tokenizers,
        ValidationFraction = ValidationFraction, TokenBytes = TokenBytes,
    };

    /// <summary>The form field an API error key belongs to ("tokenizers[1]" → "tokenizers"), or null for the rest.</summary>
    public string? FieldFor(string errorKey)
    {
        var key = errorKey.Split('[')[0];
        return key switch
        {
            "name" or "source" or "format" or "tokenizers" or "validationFraction" => key,
            "textField" when UsesTextField => key,
            "tokenBytes" when UsesTokenBytes => key,
            _ => null,
        };
    }
}
