using ScaleLab.Validation;

namespace ScaleLab.Datasets;

/// <summary>Checks a data set block before anything is read; whether the files exist and parse is the worker's check.</summary>
public static class DatasetSpecValidator
{
    public const int MaxSourceLength = 1024;

    public static void Validate(DatasetSpec d, ValidationErrors errors, string prefix)
    {
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add(prefix + field, message);
        }

        if (d.Name is not null)
        {
            Check(DatasetNames.IsValid(d.Name), "name", DatasetNames.Rule);
            Check(string.IsNullOrEmpty(d.Source), "source", "must be left out when name gives a registered data set");
            Check(DatasetTokenizers.IsKnown(d.Tokenizer), "tokenizer", $"must be one of: {string.Join(", ", DatasetTokenizers.All)}");
            return;
        }
        Check(!string.IsNullOrWhiteSpace(d.Source), "source", "must name a file or folder, or a registered data set by name");
        Check((d.Source ?? "").Length <= MaxSourceLength, "source", $"must be at most {MaxSourceLength} characters");
        Check(d.Source is null || !d.Source.Contains('\0'), "source", "must not contain NUL");
        if (DatasetSources.IsBlob(d.Source))
        {
            var container = DatasetSources.SplitBlob(d.Source).Container;
            Check(DatasetSources.IsContainerName(container), "source", "blob://CONTAINER/PREFIX needs a container name of 3-63 lowercase letters, digits and single hyphens");
            Check(!DatasetSources.InternalContainers.Contains(container), "source", $"container '{container}' holds ScaleLab's own artifacts and is not a data source");
        }
        else
            // Workers resolve paths on their own machines: a relative path would mean something different on each.
            Check(string.IsNullOrWhiteSpace(d.Source) || d.Source.Contains('\0') || Path.IsPathFullyQualified(d.Source), "source",
                "must be an absolute path on the workers, or blob://container/prefix");
        Check(d.Format is not null && DatasetFormats.All.Contains(d.Format), "format", $"must be one of: {string.Join(", ", DatasetFormats.All)}");
        Check(DatasetTokenizers.IsKnown(d.Tokenizer), "tokenizer", $"must be one of: {string.Join(", ", DatasetTokenizers.All)}");
        // Checked for every format (it is stored with the data set), though only jsonl reads it.
        Check(!string.IsNullOrWhiteSpace(d.TextField) && d.TextField.Length <= 256, "textField", "must name the JSON field holding the text (at most 256 characters)");
        Check(double.IsFinite(d.ValidationFraction) && d.ValidationFraction is > 0 and <= 0.5, "validationFraction", "must be in (0, 0.5]");
        Check(d.TokenBytes is 2 or 4, "tokenBytes", "must be 2 (uint16) or 4 (uint32)");
    }
}
