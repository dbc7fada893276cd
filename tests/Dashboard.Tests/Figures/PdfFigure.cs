using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace ScaleLab.Dashboard.Tests.Figures;

/// <summary>
/// What a one-page PDF figure holds, read with PDFsharp: the page's size in points, its text (each text object's
/// glyphs mapped back to Unicode through their font's ToUnicode map, one line per text object), how many path
/// segments it draws and how many images it paints. Form XObjects are read as the page draws them.
/// </summary>
public sealed partial record PdfFigure(double Width, double Height, string Text, int PathSegments, int Images)
{
    public static PdfFigure Read(byte[] pdf)
    {
        Assert.True(pdf.AsSpan().StartsWith("%PDF-"u8), "a PDF begins with %PDF-");
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        Assert.Equal(1, document.PageCount);
        var page = document.Pages[0];
        var reader = new Reader();
        reader.Walk(ContentReader.ReadContent(page), page.Elements.GetDictionary("/Resources"));
        return new PdfFigure(page.MediaBox.Width, page.MediaBox.Height, reader.Text.ToString(), reader.PathSegments, reader.Images);
    }

    private sealed class Reader
    {
        private static readonly HashSet<string> PathOperators = ["m", "l", "c", "v", "y", "re", "h"];
        private readonly Dictionary<PdfDictionary, Dictionary<int, string>> _maps = new(ReferenceEqualityComparer.Instance);

        public StringBuilder Text { get; } = new();
        public int PathSegments { get; private set; }
        public int Images { get; private set; }

        public void Walk(CSequence content, PdfDictionary? resources)
        {
            Dictionary<int, string>? font = null;
            foreach (var item in content)
            {
                if (item is not COperator op) continue;
                switch (op.OpCode.Name)
                {
                    case var name when PathOperators.Contains(name): PathSegments++; break;
                    case "Tf": font = UnicodeOf(resources?.Elements.GetDictionary("/Font")?.Elements.GetDictionary(((CName)op.Operands[0]).Name)); break;
                    case "Tj" or "'" or "\"": Append(font, op.Operands[^1]); break;
                    case "TJ": foreach (var part in (CArray)op.Operands[0]) Append(font, part); break;
                    case "ET": Text.Append('\n'); break;
                    case "BI": Images++; break;
                    case "Do":
                        var xobject = resources?.Elements.GetDictionary("/XObject")?.Elements.GetDictionary(((CName)op.Operands[0]).Name);
                        if (xobject?.Elements.GetName("/Subtype") == "/Image") Images++;
                        else if (xobject?.Stream is { } form)
                            Walk(ContentReader.ReadContent(form.UnfilteredValue), xobject.Elements.GetDictionary("/Resources") ?? resources);
                        break;
                }
            }
        }

        private void Append(Dictionary<int, string>? font, CObject operand)
        {
            if (operand is not CString { Value: var bytes }) return;
            Assert.NotNull(font);   // text drawn in a font the PDF gives no Unicode for could not be searched or copied
            for (var i = 0; i + 1 < bytes.Length; i += 2)   // Identity-H: two bytes a glyph
                Text.Append(font.GetValueOrDefault(bytes[i] << 8 | bytes[i + 1], "\uFFFD"));
        }

        private Dictionary<int, string>? UnicodeOf(PdfDictionary? font)
        {
            if (font?.Elements.GetDictionary("/ToUnicode")?.Stream is not { } stream) return null;
            if (!_maps.TryGetValue(font, out var map)) _maps[font] = map = ParseCMap(Encoding.ASCII.GetString(stream.UnfilteredValue));
            return map;
        }
    }

    [GeneratedRegex(@"beginbfchar(?<body>.*?)endbfchar", RegexOptions.Singleline)]
    private static partial Regex CharBlocks();

    [GeneratedRegex(@"beginbfrange(?<body>.*?)endbfrange", RegexOptions.Singleline)]
    private static partial Regex RangeBlocks();

    [GeneratedRegex(@"<(?<from>[0-9A-Fa-f]+)>\s*<(?<to>[0-9A-Fa-f]+)>")]
    private static partial Regex CharEntry();

    [GeneratedRegex(@"<(?<first>[0-9A-Fa-f]+)>\s*<(?<last>[0-9A-Fa-f]+)>\s*(?:<(?<start>[0-9A-Fa-f]+)>|\[(?<list>[^\]]*)\])")]
    private static partial Regex RangeEntry();

    /// <summary>A ToUnicode CMap's bfchar and bfrange entries: glyph id to the text it stands for.</summary>
    private static Dictionary<int, string> ParseCMap(string cmap)
    {
        var map = new Dictionary<int, string>();
        foreach (Match block in CharBlocks().Matches(cmap))
            foreach (Match e in CharEntry().Matches(block.Groups["body"].Value))
                map[Hex(e.Groups["from"].Value)] = Utf16(e.Groups["to"].Value);
        foreach (Match block in RangeBlocks().Matches(cmap))
            foreach (Match e in RangeEntry().Matches(block.Groups["body"].Value))
            {
                var (first, last) = (Hex(e.Groups["first"].Value), Hex(e.Groups["last"].Value));
                if (e.Groups["start"].Success)
                    for (int glyph = first, code = Hex(e.Groups["start"].Value); glyph <= last; glyph++, code++) map[glyph] = char.ConvertFromUtf32(code);
                else
                    foreach (var (text, glyph) in Regex.Matches(e.Groups["list"].Value, "<([0-9A-Fa-f]+)>").Select((m, i) => (Utf16(m.Groups[1].Value), first + i)))
                        map[glyph] = text;
            }
        return map;
    }

    private static int Hex(string digits) => int.Parse(digits, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>A CMap's destination: UTF-16BE code units, four hex digits each.</summary>
    private static string Utf16(string digits) =>
        new([.. Enumerable.Range(0, digits.Length / 4).Select(i => (char)Hex(digits.Substring(i * 4, 4)))]);
}
