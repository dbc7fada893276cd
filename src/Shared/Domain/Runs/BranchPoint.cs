namespace ScaleLab.Runs;

/// <summary>Where a branch run starts: the checkpoint its parent run keeps at <see cref="Step"/> (the parent's weights and AdamW state there).</summary>
public sealed record BranchPoint(Guid Run, int Step);
