using System.Security.Cryptography;
using System.Text;

namespace ScaleLab.Orchestrator.Infrastructure;

/// <summary>
/// API keys are configured only as SHA-256 hashes (ScaleLab:ApiKeyHashes), so a leaked configuration does not leak
/// a key; a presented key is hashed and compared in constant time.
/// </summary>
public static class ApiKeys
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The claim naming which key authenticated: the first 8 hex digits of its hash, enough to tell keys apart, useless to guess one.</summary>
    public const string KeyIdClaim = "scalelab:key-id";

    public static string KeyId(string key) => Hash(key)[..8];

    /// <summary>A sweep's owner as recorded: "key 1a2b3c4d" for the key that submitted it.</summary>
    public static string OwnerOf(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindFirst(KeyIdClaim)?.Value is { } id ? "key " + id : "unknown";

    public static bool IsValid(IConfiguration configuration, string presented)
    {
        if (presented.Length == 0) return false;
        var hash = Encoding.ASCII.GetBytes(Hash(presented));
        var known = configuration.GetSection("ScaleLab:ApiKeyHashes").Get<string[]>() ?? [];
        return known.Any(k => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(k.Trim().ToLowerInvariant()), hash));
    }
}
