using System.Security.Cryptography;
using System.Text;

namespace ScaleLab.Sweeps;

/// <summary>A name-based UUID: the first 16 bytes of SHA-256(name), shaped as an RFC 9562 version-8 UUID.</summary>
public static class DeterministicGuid
{
    public static Guid From(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
