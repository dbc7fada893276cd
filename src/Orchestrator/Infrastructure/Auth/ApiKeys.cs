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

    public static bool IsValid(IConfiguration configuration, string presented)
    {
        if (presented.Length == 0) return false;
        var hash = Encoding.ASCII.GetBytes(Hash(presented));
        var known = configuration.GetSection("ScaleLab:ApiKeyHashes").Get<string[]>() ?? [];
        return known.Any(k => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(k.Trim().ToLowerInvariant()), hash));
    }
}
