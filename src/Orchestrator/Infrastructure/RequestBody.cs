using System.Text;
using ScaleLab.Validation;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>Reads a JSON body ourselves, so malformed input becomes a field-level problem instead of a framework 400 without detail.</summary>
public static class RequestBody
{
    public static async Task<string?> ReadUtf8Async(HttpRequest request, int maxBytes, ValidationErrors errors, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            errors.Add("body", $"is larger than {maxBytes} bytes");
            return null;
        }
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/problem+json", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            && !type.StartsWith("application/yaml", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("application/x-yaml", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add("Content-Type", "must be application/json (or application/yaml where a spec is expected)");
            return null;
        }
        var buffer = new byte[maxBytes + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await request.Body.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
        if (read > maxBytes)
        {
            errors.Add("body", $"is larger than {maxBytes} bytes");
            return null;
        }
        if (read == 0)
        {
            errors.Add("body", "is empty; send the sweep spec as JSON");
            return null;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, read);
        }
        catch (DecoderFallbackException)
        {
            errors.Add("body", "is not valid UTF-8");
            return null;
        }
    }
}
