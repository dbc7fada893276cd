namespace ScaleLab.Workers.Corpus.Debian;

/// <summary>One package's English text: its files, and how to remove their markup.</summary>
/// <param name="Prose">Whether <see cref="ProseFilter"/> applies (the dictionary's entries are kept as they are).</param>
public sealed record DebianSource(string Name, string Package, string Root, string Pattern, Func<string, string> Clean, bool Prose = true);

/// <summary>The Debian packages the default corpus is assembled from; infra/local/prerequisites.sh installs them.</summary>
public static class DebianSources
{
    public static readonly IReadOnlyList<DebianSource> All =
    [
        new("gcide", "dict-gcide", "/usr/share/dictd", "gcide.dict.dz", text => text, Prose: false),
        new("wordnet", "wordnet-base", "/usr/share/wordnet", "data.*", Markup.WordNetGlosses),
        new("python-docs", "python3.11-doc", "/usr/share/doc/python3.11/html/_sources", "*.rst.txt", Markup.Rst),
        new("postgresql-docs", "postgresql-doc-15", "/usr/share/doc/postgresql-doc-15/html", "*.html", Markup.Html),
        new("perl-docs", "perl-doc", "/usr/share/perl/5.36.0/pod", "*.pod", Markup.Pod),
        new("git-docs", "git-doc", "/usr/share/doc/git-doc", "*.txt", Markup.AsciiDoc),
        new("debian-reference", "debian-reference-en", "/usr/share/debian-reference", "*.en.html", Markup.Html),
    ];
}
