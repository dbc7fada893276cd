using ScaleLab.Validation;

namespace ScaleLab.Datasets;

/// <summary>Checks a registration before anything is stored; the files themselves are read and checked by the worker that tokenizes.</summary>
public static class DatasetRegistrationValidator
{
    public const int MaxTokenizers = 5;

    public static void Validate(DatasetRegistration r, ValidationErrors errors)
    {
        if (!DatasetNames.IsValid(r.Name)) errors.Add("name", DatasetNames.Rule);
        if (r.Tokenizers is null || r.Tokenizers.Count == 0) errors.Add("tokenizers", "must name at least one tokenizer");
        else if (r.Tokenizers.Count > MaxTokenizers) errors.Add("tokenizers", $"must name at most {MaxTokenizers} tokenizers");
        else
            for (var i = 0; i < r.Tokenizers.Count; i++)
            {
                if (!DatasetTokenizers.IsKnown(r.Tokenizers[i])) errors.Add($"tokenizers[{i}]", $"must be one of: {string.Join(", ", DatasetTokenizers.All)}");
                else if (r.Tokenizers.Take(i).Any(t => DatasetTokenizers.Canonical(t) == DatasetTokenizers.Canonical(r.Tokenizers[i])))
                    errors.Add($"tokenizers[{i}]", "repeats a tokenizer (gpt2 and r50k are one)");
            }
        // The source, format and split rules are a run's; the tokenizer is checked above.
        var spec = r.SpecFor(DatasetTokenizers.Bytes);
        var fieldErrors = new ValidationErrors();
        DatasetSpecValidator.Validate(spec, fieldErrors, "");
        errors.AddAll(fieldErrors);
    }
}
