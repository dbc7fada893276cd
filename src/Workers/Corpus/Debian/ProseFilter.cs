using System.Security.Cryptography;
using System.Text;

namespace ScaleLab.Workers.Corpus.Debian;

/// <summary>
/// Keeps the prose of a cleaned document: paragraphs (split at blank lines) are unwrapped into one line, and kept only
/// when they read as sentences (at least 40 characters and 6 words, at least 80% letters and spaces, not indented
/// like code) and were not seen before in the corpus (exact duplicates after whitespace is normalised).
/// </summary>
public sealed class ProseFilter
{
    private readonly HashSet<UInt128> _seen = [];

    public long Kept { get; private set; }

    public long Dropped { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>The document's prose paragraphs, separated by blank lines (empty when none is left).</summary>
    public string Filter(string text)
    {
        var output = new StringBuilder();
        foreach (var block in text.Replace("\r\n", "\n").Split("\n\n"))
        {
            if (block.Length == 0 || block.Trim().Length == 0) continue;
            if (IsIndented(block)) { Dropped++; continue; }
            var paragraph = string.Join(' ', block.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));
            if (!IsProse(paragraph)) { Dropped++; continue; }
            if (!_seen.Add(Hash(paragraph))) { Duplicates++; continue; }
            if (output.Length > 0) output.Append("\n\n");
            output.Append(paragraph);
            Kept++;
        }
        return output.ToString();
    }

    private static bool IsIndented(string block) =>
        block.Split('\n').Where(l => l.Trim().Length > 0).All(l => l.StartsWith("  ", StringComparison.Ordinal) || l.StartsWith('\t'));

    private static bool IsProse(string p)
    {
        if (p.Length < 40 || p.Count(c => c == ' ') < 5) return false;
        var letters = p.Count(c => char.IsLetter(c) || c == ' ');
        return letters >= 0.8 * p.Length;
    }

    private static UInt128 Hash(string paragraph)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(paragraph.ToLowerInvariant()), digest);
        return BitConverter.ToUInt128(digest);
    }
}
