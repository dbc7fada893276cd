namespace ScaleLab.Scaling;

/// <summary>
/// F(N): training FLOPs per token of a model with N parameters, the curve that turns a compute budget into tokens
/// (D = C / F(N)) and back. Under C = 6·N·D it is 6N. Otherwise it is read off the points themselves (each point's
/// flops / D is F at its N), which works the same for a sweep's runs and for a CSV of external results:
/// piecewise linear in (ln N, ln F) between the sizes seen, and beyond them F/N is held at its value at the nearest
/// size (the overhead per parameter of the LM head and attention only shrinks with size, so this errs slightly high).
/// </summary>
public sealed class FlopsPerToken
{
    private readonly double[] _lnN = [], _lnF = [];

    private FlopsPerToken() => IsSixN = true;

    private FlopsPerToken(double[] lnN, double[] lnF) => (_lnN, _lnF) = (lnN, lnF);

    public static FlopsPerToken SixN { get; } = new();

    /// <summary>True when F(N) = 6N.</summary>
    public bool IsSixN { get; }

    /// <summary>The curve of the points' own flops/D; 6N when no point carries its FLOPs.</summary>
    public static FlopsPerToken From(IReadOnlyList<ScalingPoint> points)
    {
        var measured = points.Where(p => p.Flops is > 0 && p.D > 0 && p.N > 0)
            .GroupBy(p => p.N).OrderBy(g => g.Key)
            .Select(g => (LnN: Math.Log(g.Key), LnF: g.Average(p => Math.Log(p.Flops!.Value / p.D)))).ToList();
        return measured.Count == 0 ? SixN : new FlopsPerToken(measured.Select(m => m.LnN).ToArray(), measured.Select(m => m.LnF).ToArray());
    }

    public double At(double n)
    {
        if (IsSixN) return 6 * n;
        var x = Math.Log(n);
        if (x <= _lnN[0]) return Math.Exp(_lnF[0] - _lnN[0] + x);
        if (x >= _lnN[^1]) return Math.Exp(_lnF[^1] - _lnN[^1] + x);
        var i = Array.BinarySearch(_lnN, x);
        if (i >= 0) return Math.Exp(_lnF[i]);
        var hi = ~i;
        var t = (x - _lnN[hi - 1]) / (_lnN[hi] - _lnN[hi - 1]);
        return Math.Exp(_lnF[hi - 1] + t * (_lnF[hi] - _lnF[hi - 1]));
    }

    /// <summary>
    /// The curve as its pieces in order: ln F = Intercept + Slope·ln N for ln N in [From, To]; the first and last extend
    /// to ±∞ with slope 1 (F/N held). One piece, ln 6 + ln N, under 6N. Made once: every point of a frontier's scan reads them.
    /// </summary>
    internal (double From, double To, double Intercept, double Slope)[] Pieces => _pieces ??= MakePieces();

    private (double From, double To, double Intercept, double Slope)[]? _pieces;

    private (double From, double To, double Intercept, double Slope)[] MakePieces()
    {
        if (IsSixN) return [(double.NegativeInfinity, double.PositiveInfinity, Math.Log(6), 1)];
        var pieces = new List<(double, double, double, double)> { (double.NegativeInfinity, _lnN[0], _lnF[0] - _lnN[0], 1) };
        for (var i = 0; i + 1 < _lnN.Length; i++)
        {
            var slope = (_lnF[i + 1] - _lnF[i]) / (_lnN[i + 1] - _lnN[i]);
            pieces.Add((_lnN[i], _lnN[i + 1], _lnF[i] - slope * _lnN[i], slope));
        }
        pieces.Add((_lnN[^1], double.PositiveInfinity, _lnF[^1] - _lnN[^1], 1));
        return [.. pieces];
    }

    /// <summary>The tokens a budget of <paramref name="compute"/> FLOPs buys a model of N parameters.</summary>
    public double Tokens(double compute, double n) => compute / At(n);
}
