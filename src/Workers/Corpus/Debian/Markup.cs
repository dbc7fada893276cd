using System.Net;
using System.Text.RegularExpressions;

namespace ScaleLab.Workers.Corpus.Debian;

/// <summary>
/// Removes the markup of the documentation formats Debian ships, leaving text whose paragraphs are separated by blank
/// lines; code blocks are dropped where the format marks them. What remains goes through <see cref="ProseFilter"/>.
/// </summary>
public static partial class Markup
{
    [GeneratedRegex(@"<(script|style|head|pre|table)\b.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex HtmlDropped();

    [GeneratedRegex(@"</?(p|div|br|li|ul|ol|dl|dt|dd|h[1-6]|tr|blockquote|section|title)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlBlock();

    [GeneratedRegex(@"<[^>]{0,2000}>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"^[ \t]+", RegexOptions.Multiline)]
    private static partial Regex LeadingSpace();

    /// <summary>HTML (PostgreSQL's and Debian's reference manuals).</summary>
    public static string Html(string html)
    {
        var text = HtmlDropped().Replace(html, "\n\n");
        text = HtmlBlock().Replace(text, "\n\n");
        // The source's indentation is layout, not code (code was in <pre>): unindent, or the prose filter drops it.
        return LeadingSpace().Replace(WebUtility.HtmlDecode(Tag().Replace(text, "")), "");
    }

    [GeneratedRegex(@":[a-z:]+:`~?([^`<]*?)(\s*<[^>]*>)?`")]
    private static partial Regex RstRole();

    [GeneratedRegex(@"`([^`<]+?)\s*(<[^>]*>)?`_{1,2}")]
    private static partial Regex RstLink();

    [GeneratedRegex(@"(\*\*|\*|``)(\S(?:.*?\S)?)\1")]
    private static partial Regex RstEmphasis();

    /// <summary>Directives whose body is code or a grammar, dropped whole; other directives' bodies are text.</summary>
    private static readonly string[] RstCodeDirectives = ["code-block", "sourcecode", "code", "testcode", "testoutput", "doctest", "productionlist", "literalinclude", "highlight", "toctree", "csv-table", "list-table", "table", "index", "raw"];

    /// <summary>
    /// reStructuredText (Python's documentation sources): directives (the body of a text directive such as
    /// "function" or "note" is kept, unindented; a code directive's is dropped), field lines, roles, links and
    /// section underlines. Literal blocks stay indented, for the prose filter to drop.
    /// </summary>
    public static string Rst(string rst)
    {
        var lines = new List<string>();
        int? body = null;          // indentation of the current directive's body
        var dropBody = false;
        foreach (var line in rst.Replace("\r\n", "\n").Split('\n'))
        {
            var indent = line.Length - line.TrimStart().Length;
            var trimmed = line.Trim();
            if (trimmed.StartsWith("..", StringComparison.Ordinal))
            {
                var name = trimmed.Length > 3 && trimmed.Contains("::", StringComparison.Ordinal) ? trimmed[3..trimmed.IndexOf("::", StringComparison.Ordinal)].Trim() : "";
                (body, dropBody) = (indent + 3, name.Length == 0 || RstCodeDirectives.Contains(name));   // a comment or target: drop its block
                lines.Add("");
                continue;
            }
            if (body is { } b && trimmed.Length > 0)
            {
                if (indent < b) body = null;                                  // the directive's body ended
                else if (dropBody || trimmed.StartsWith(':')) continue;      // code, or the directive's options
                else { lines.Add(line[Math.Min(b, indent)..]); continue; }
            }
            if (trimmed.Length >= 3 && trimmed.All(c => c is '=' or '-' or '*' or '~' or '^' or '#' or '"' or '+')) continue;   // underline
            lines.Add(line.EndsWith("::", StringComparison.Ordinal) ? line[..^1] : line);
        }
        var text = string.Join('\n', lines);
        text = RstRole().Replace(text, "$1");
        text = RstLink().Replace(text, "$1");
        return RstEmphasis().Replace(text, "$2");
    }

    [GeneratedRegex(@"[A-Z]<<+\s(.*?)\s>>+", RegexOptions.Singleline)]
    private static partial Regex PodLongCode();

    [GeneratedRegex(@"[BCFISXZE]<([^<>]*)>")]
    private static partial Regex PodCode();

    [GeneratedRegex(@"L<(?:[^<>|]*\|)?([^<>]*)>")]
    private static partial Regex PodLink();

    /// <summary>Perl's POD: commands (=head1, =item, =over, …) and formatting codes (C&lt;…&gt;, L&lt;…&gt;, …).</summary>
    public static string Pod(string pod)
    {
        var kept = pod.Replace("\r\n", "\n").Split("\n\n").Where(p => !p.StartsWith('=') || p.StartsWith("=item", StringComparison.Ordinal))
            .Select(p => p.StartsWith("=item", StringComparison.Ordinal) ? p[5..] : p);
        var text = string.Join("\n\n", kept);
        text = PodLongCode().Replace(text, "$1");
        for (var pass = 0; pass < 3; pass++) text = PodLink().Replace(PodCode().Replace(text, "$1"), "$1");   // nested codes
        return text;
    }

    [GeneratedRegex(@"^(-{4,}|\.{4,}|\+{4,}|={4,}|_{4,})$.*?^\1$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex AsciiDocBlock();

    [GeneratedRegex(@"^(\[.*\]|[=-]+|:[a-z-]+:.*|ifdef::.*|endif::.*|include::.*)$", RegexOptions.Multiline)]
    private static partial Regex AsciiDocLine();

    [GeneratedRegex(@"linkgit:([a-z0-9-]+)\[\d\]|[`'*]([^`'*\n]+)[`'*]")]
    private static partial Regex AsciiDocInline();

    /// <summary>AsciiDoc (git's manual pages): listing blocks, attribute lines, titles' underlines, inline quotes.</summary>
    public static string AsciiDoc(string text)
    {
        text = AsciiDocBlock().Replace(text.Replace("\r\n", "\n"), "\n");
        text = AsciiDocLine().Replace(text, "");
        return AsciiDocInline().Replace(text, m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value);
    }

    /// <summary>WordNet's data files: each synset line's gloss (after " | "), one gloss per line, 200 per paragraph.</summary>
    public static string WordNetGlosses(string data)
    {
        var glosses = data.Split('\n').Where(l => !l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.IndexOf(" | ", StringComparison.Ordinal) is var at and > 0 ? l[(at + 3)..].Trim() : "")
            .Where(g => g.Length > 0)
            .Select(g => char.ToUpperInvariant(g[0]) + g[1..] + (g.EndsWith('.') ? "" : "."));
        return string.Join("\n\n", glosses.Chunk(200).Select(chunk => string.Join(" ", chunk)));
    }
}
