namespace ScaleLab.Orchestrator.Scaling;

/// <summary>Row of table fits: a scaling-law fit stored with its inputs, so a dashboard can redraw it.</summary>
public sealed class FitRecord
{
    public Guid Id { get; set; }
    public required string Law { get; set; }
    public required string InputsJson { get; set; }
    public required string ResultJson { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
