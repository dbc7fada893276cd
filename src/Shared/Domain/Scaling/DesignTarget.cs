namespace ScaleLab.Scaling;

/// <summary>The quantity an adaptive design (<see cref="AdaptiveDesign"/>) narrows the bootstrap interval of.</summary>
public enum DesignTarget
{
    /// <summary>a of N_opt ∝ C^a from IsoFLOP profiles (approach 2): parameter "a" of an <c>isoflop</c> fit.</summary>
    IsoFlopExponent,

    /// <summary>a = β/(α+β) of the fitted L(N, D) (approach 3): derived "a" of a <c>chinchilla</c> fit.</summary>
    ChinchillaExponent,

    /// <summary>
    /// log10 of the compute where two groups' (two architectures') compute-optimal loss curves cross, each group's
    /// L(N, D) fitted as approach 3: the crossing a <c>chinchilla</c> fit with groups reports.
    /// </summary>
    CrossingCompute,
}
