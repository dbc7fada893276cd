using System.Text.Json;
using System.Text.Json.Serialization;
using ScaleLab.Scaling;

namespace ScaleLab.Catalog;

/// <summary>
/// The wire format of <see cref="ScalingView"/> (POST /api/fits/preview): the fit in the one shape that stored fits
/// and the CLI use (<see cref="FitResultJson"/>), beside the points it was made from and any errors by field.
/// </summary>
public static class ScalingViewJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // A point's loss can be NaN (a diverged run the fit left out); the fit itself writes only finite numbers.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Enums by camelCase name, as the fit API reads a query's law.
        Converters = { new FitResultJsonConverter(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
