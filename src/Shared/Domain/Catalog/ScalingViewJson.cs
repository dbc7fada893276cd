using System.Text.Json;
using System.Text.Json.Serialization;
using ScaleLab.Scaling;

namespace ScaleLab.Catalog;

/// <summary>
/// The wire format of <see cref="ScalingView"/> (POST /api/fits/preview): the typed fit as it is, so a client gets
/// back the same records the fitter made (profiles, frontier bands, residuals, warnings). Enums are camelCase names (as the fit API reads them); NaN and
/// infinity, which a degenerate fit can derive, are written as "NaN" and "Infinity" rather than failing the response.
/// </summary>
public static class ScalingViewJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new ComputeConventionJson(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
