namespace ScaleLab.Workers.Datasets;

/// <summary>A data set that cannot be used as given, with the spec field the user should look at.</summary>
public sealed class DatasetException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}
