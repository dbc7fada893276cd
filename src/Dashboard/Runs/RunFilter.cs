using ScaleLab.Catalog;

namespace ScaleLab.Dashboard.Runs;

/// <summary>
/// The runs table's filter, as typed: terms separated by spaces, all of which a run must match. A term
/// <c>FIELD OP VALUE</c> compares a field (<see cref="RunFields"/>) with a value: <c>mixer=gla</c>, <c>dModel &gt;= 64</c>,
/// <c>loss&lt;3.5</c>, <c>flops&gt;=1e12</c>, <c>status!=failed</c>. A number field compares numerically and takes
/// only a number; a text field takes = and != and compares ignoring case (numerically where both sides are numbers); a
/// run without the value matches only !=. Any other word, or text in double quotes (<c>"C=3E+14"</c>), must occur in
/// the run's name, status or error, ignoring case. A term that names no field or cannot be read is not applied, and
/// <see cref="Errors"/> says why; the others are.
/// </summary>
public sealed class RunFilter
{
    public const string Equal = "=", NotEqual = "!=", Less = "<", LessOrEqual = "<=", Greater = ">", GreaterOrEqual = ">=";

    public static readonly IReadOnlyList<string> Operators = [Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual];

    private readonly List<Func<RunSummary, bool>> terms = [];
    private readonly List<string> errors = [];

    private RunFilter() { }

    /// <summary>What in the text could not be applied, one message per term, in the order written.</summary>
    public IReadOnlyList<string> Errors => errors;

    /// <summary>The runs that match every term that could be read, in their order.</summary>
    public IEnumerable<RunSummary> Apply(IEnumerable<RunSummary> runs) => terms.Count == 0 ? runs : runs.Where(r => terms.All(t => t(r)));

    public static RunFilter Parse(string? text, RunFields fields)
    {
        var filter = new RunFilter();
        var reader = new Reader(text ?? "");
        while (reader.SkipSpace())
        {
            var start = reader.At;
            var (word, quoted) = reader.Word(stopAtOperator: true);
            if (word is null) { filter.errors.Add($"Unclosed quote in ‘{reader.From(start)}’."); break; }
            var beforeOperator = reader.At;
            reader.SkipSpace();
            if (!reader.AtOperator || (quoted && reader.At > beforeOperator))
            {
                reader.At = beforeOperator;
                if (word.Length > 0) filter.terms.Add(r => Contains(r, word));
                continue;
            }
            var op = reader.Operator();
            reader.SkipSpace();
            var (value, _) = reader.AtEnd ? ("", false) : reader.Word(stopAtOperator: false);
            var term = reader.From(start);
            if (value is null) { filter.errors.Add($"Unclosed quote in ‘{term}’."); break; }
            if (quoted || word.Length == 0) filter.errors.Add($"‘{term}’ has no field before {op}.");
            else if (!Operators.Contains(op)) filter.errors.Add($"‘{term}’: no operator {op}; use {string.Join(' ', Operators)}.");
            else if (value.Length == 0) filter.errors.Add($"‘{term}’ has no value after {op}.");
            else if (fields.Find(word) is { } field)
            {
                if (Comparison(field, op, value, term, out var error) is { } matches) filter.terms.Add(matches);
                else filter.errors.Add(error!);
            }
            else if (fields.ConfigRead)
                filter.errors.Add($"No field ‘{word}’ in ‘{term}’. Fields: {fields.Names}. To find the text in run names, put it in quotes: \"{term}\".");
            // else: perhaps a config field, not read yet; applied once it is.
        }
        return filter;
    }

    private static bool Contains(RunSummary r, string words) =>
        r.Name.Contains(words, StringComparison.OrdinalIgnoreCase)
        || r.Status.ToString().Contains(words, StringComparison.OrdinalIgnoreCase)
        || r.Error?.Contains(words, StringComparison.OrdinalIgnoreCase) == true;

    private static Func<RunSummary, bool>? Comparison(RunField field, string op, string value, string term, out string? error)
    {
        error = null;
        var number = RunFields.NumberOf(value);
        if (field.IsNumber)
        {
            if (number is not { } y) { error = $"‘{term}’: {field.Name} is a number, and ‘{value}’ is not one (write 3.5 or 1e12)."; return null; }
            return r => field.Number(r) is { } x ? Compare(x, op, y) : op == NotEqual;
        }
        if (op is not (Equal or NotEqual)) { error = $"‘{term}’: {field.Name} is text, and {op} compares numbers; use = or !=."; return null; }
        if (field.Vocabulary is { } words && !words.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            error = $"‘{term}’: {field.Name} is one of {string.Join(", ", words)}.";
            return null;
        }
        return r => TextEquals(field.Text(r), value, number) == (op == Equal);
    }

    private static bool Compare(double x, string op, double y) => op switch
    {
        Equal => x == y,
        NotEqual => x != y,
        Less => x < y,
        LessOrEqual => x <= y,
        Greater => x > y,
        _ => x >= y,
    };

    private static bool TextEquals(string? text, string value, double? number) =>
        text is not null && (string.Equals(text, value, StringComparison.OrdinalIgnoreCase)
            || (number is { } y && RunFields.NumberOf(text) is { } x && x == y));

    /// <summary>The filter's text, read a word or an operator at a time.</summary>
    private sealed class Reader(string text)
    {
        private const string OperatorChars = "=!<>";

        public int At { get; set; }

        public bool AtEnd => At >= text.Length;

        public bool AtOperator => !AtEnd && OperatorChars.Contains(text[At]);

        public string From(int start) => text[start..At];

        /// <summary>Past any spaces; false at the end.</summary>
        public bool SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[At])) At++;
            return !AtEnd;
        }

        /// <summary>Text in double quotes, or up to a space (or an operator); null for an unclosed quote.</summary>
        public (string? Word, bool Quoted) Word(bool stopAtOperator)
        {
            var start = At;
            if (text[At] == '"')
            {
                var close = text.IndexOf('"', At + 1);
                if (close < 0) { At = text.Length; return (null, true); }
                At = close + 1;
                return (text[(start + 1)..close], true);
            }
            while (!AtEnd && !char.IsWhiteSpace(text[At]) && !(stopAtOperator && AtOperator)) At++;
            return (text[start..At], false);
        }

        public string Operator()
        {
            var start = At;
            while (AtOperator) At++;
            return text[start..At];
        }
    }
}
