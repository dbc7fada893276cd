using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using ScaleLab.Validation;

namespace ScaleLab.Scaling;

/// <summary>
/// Reads points from CSV with a header: required columns n (parameters), d (tokens) and loss; optional flops, group
/// and epochs. Column names are case-insensitive; numbers use the invariant culture (1e9, 1000000000). Errors name the
/// row (1 is the header) and the column.
/// </summary>
public static class ScalingCsv
{
    public static IReadOnlyList<ScalingPoint> Read(TextReader text, ValidationErrors errors)
    {
        try
        {
            return ReadRows(text, errors);
        }
        catch (CsvHelperException ex)
        {
            // Unbalanced quotes and the like: CsvHelper gives up on the file; say where.
            errors.Add("csv", $"is malformed near row {ex.Context?.Parser?.Row}: {ex.GetType().Name}");
            return [];
        }
    }

    private static IReadOnlyList<ScalingPoint> ReadRows(TextReader text, ValidationErrors errors)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            PrepareHeaderForMatch = a => a.Header.Trim().ToLowerInvariant(),
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            DetectDelimiter = true,
        };
        using var csv = new CsvReader(text, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            errors.Add("csv", "is empty; expected a header with the columns n, d, loss (and optionally flops, group)");
            return [];
        }
        var header = csv.HeaderRecord.Select(h => h.Trim().ToLowerInvariant()).ToList();
        foreach (var required in new[] { "n", "d", "loss" })
            if (!header.Contains(required))
                errors.Add("csv", $"has no column '{required}'; the header is: {string.Join(",", csv.HeaderRecord)}");
        if (!errors.IsEmpty) return [];
        var hasFlops = header.Contains("flops");
        var hasGroup = header.Contains("group");
        var hasEpochs = header.Contains("epochs");

        var points = new List<ScalingPoint>();
        while (csv.Read() && !errors.IsFull)
        {
            var row = csv.Parser.Row;
            if (points.Count >= FitInputValidator.MaxPoints)
            {
                errors.Add("csv", $"has more than {FitInputValidator.MaxPoints} rows");
                break;
            }
            double? Number(string column, bool required)
            {
                var raw = csv.GetField(column);
                if (string.IsNullOrWhiteSpace(raw))
                {
                    if (required) errors.Add($"row {row}, column {column}", "is empty");
                    return null;
                }
                if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
                errors.Add($"row {row}, column {column}", $"'{Truncate(raw)}' is not a finite number");
                return null;
            }
            var n = Number("n", true);
            var d = Number("d", true);
            var loss = Number("loss", true);
            var flops = hasFlops ? Number("flops", false) : null;
            var group = hasGroup ? csv.GetField("group") : null;
            var epochs = hasEpochs ? Number("epochs", false) : null;
            if (n is null || d is null || loss is null) continue;
            points.Add(new ScalingPoint(n.Value, d.Value, loss.Value, flops, string.IsNullOrWhiteSpace(group) ? null : group, epochs));
        }
        return points;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
