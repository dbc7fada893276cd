namespace ScaleLab.Dashboard.Figures;

/// <summary>A posted figure that cannot be turned into a PDF; the message says why, completing "the SVG ...".</summary>
public sealed class FigureRefusedException(string message) : Exception(message);
