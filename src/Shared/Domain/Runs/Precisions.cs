namespace ScaleLab.Runs;

/// <summary>
/// The precisions a run config names (<see cref="RunConfig.Precision"/>), and the one rule that turns "auto" into a
/// precision: bf16 on a GPU, fp32 elsewhere. The worker, the memory estimate and the validator all use this.
/// </summary>
public static class Precisions
{
    public const string Auto = "auto", Fp32 = "fp32", Tf32 = "tf32", Bf16 = "bf16";

    public static readonly IReadOnlyList<string> All = [Auto, Fp32, Tf32, Bf16];

    /// <summary>The precision a run trains in on a GPU (<paramref name="cuda"/>) or not.</summary>
    public static string Resolve(string configured, bool cuda) => configured == Auto ? (cuda ? Bf16 : Fp32) : configured;
}
