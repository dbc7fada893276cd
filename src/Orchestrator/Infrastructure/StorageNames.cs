namespace ScaleLab.Orchestrator;

public static class StorageNames
{
    /// <summary>The ADO.NET grain storage on PostgreSQL that holds sweep, run and scheduler state.</summary>
    public const string Grains = "grains";
}
