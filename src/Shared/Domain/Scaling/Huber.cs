namespace ScaleLab.Scaling;

/// <summary>The Huber loss: quadratic within δ of zero, linear beyond, so a few bad runs cannot drag a fit.</summary>
public static class Huber
{
    public static double Loss(double r, double delta) =>
        Math.Abs(r) <= delta ? 0.5 * r * r : delta * (Math.Abs(r) - 0.5 * delta);

    public static double Derivative(double r, double delta) => Math.Clamp(r, -delta, delta);
}
