using System.Globalization;
using System.Text.Json.Nodes;
using ScaleLab.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ScaleLab.Sweeps;

/// <summary>
/// Specs may be written in YAML: the document is turned into the JSON the parser reads. Plain scalars take YAML's core
/// schema types (null, true/false, integers, floats, .inf/.nan), quoted ones stay strings, so `learningRate: 3e-3`
/// is a number and `name: "1e3"` a string. Duplicate keys, cyclic anchors and multi-document streams are refused.
/// </summary>
/// <remarks>
/// The document is read as a stream of parser events into JSON nodes, with the limits enforced as each event
/// arrives: YamlDotNet's representation model builds and walks the tree recursively, so 30,000 nested brackets
/// overflowed the stack before a depth check on the finished tree could run, and it expanded aliases by copying, so
/// a one-kilobyte "billion laughs" became billions of nodes. Here nesting stops at <see cref="MaxDepth"/> and every
/// node, including each one an alias copies, counts against <see cref="MaxNodes"/> before it is made.
/// </remarks>
public static class YamlSpec
{
    public const int MaxDepth = 32;
    public const int MaxNodes = 200_000;

    /// <summary>JSON starts with '{' or '['; anything else is read as YAML.</summary>
    public static bool LooksLikeYaml(string text) => text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n') is { Length: > 0 } t && t[0] is not ('{' or '[');

    public static string? ToJson(string yaml, ValidationErrors errors)
    {
        try
        {
            return new Reader(new Parser(new StringReader(yaml))).ReadDocument()?.ToJsonString() ?? "null";
        }
        catch (YamlException ex)
        {
            errors.Add("body", $"not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.InnerException?.Message ?? ex.Message}");
            return null;
        }
        catch (InvalidDataException ex)
        {
            errors.Add("body", ex.Message);
            return null;
        }
    }

    /// <summary>One pass over the events of a single-document stream; an open mapping or sequence is a frame.</summary>
    private sealed class Reader(IParser parser)
    {
        private sealed class Frame(JsonNode container, int firstNode, AnchorName anchor)
        {
            public JsonNode Container { get; } = container;
            public int FirstNode { get; } = firstNode;
            public AnchorName Anchor { get; } = anchor;
            public string? PendingKey { get; set; }
            /// <summary>Container levels in this subtree, itself included (an empty list is one level).</summary>
            public int SubtreeDepth { get; set; } = 1;
        }

        private sealed record Anchored(JsonNode? Value, int Nodes, int Depth);

        private readonly Stack<Frame> _open = new();
        private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
        private int _nodes;

        public JsonNode? ReadDocument()
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            JsonNode? root = null;
            var done = false;
            while (!done)
            {
                var e = parser.Consume<ParsingEvent>();
                switch (e)
                {
                    case Scalar scalar:
                        Reserve(1);
                        done = Place(ScalarValue(scalar), scalar.Anchor, subtreeNodes: 1, subtreeDepth: 0, ref root);
                        break;
                    case MappingStart map:
                        Open(new JsonObject(), map.Anchor);
                        break;
                    case SequenceStart list:
                        Open(new JsonArray(), list.Anchor);
                        break;
                    case MappingEnd or SequenceEnd:
                        var frame = _open.Pop();
                        done = Place(frame.Container, frame.Anchor, _nodes - frame.FirstNode, frame.SubtreeDepth, ref root);
                        break;
                    case AnchorAlias alias:
                        if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                            throw new InvalidDataException($"uses the alias *{alias.Value} before its anchor is complete (an anchor may not contain itself)");
                        if (_open.Count + target.Depth > MaxDepth) throw TooDeep();
                        Reserve(target.Nodes); // before the copy is made
                        done = Place(target.Value?.DeepClone(), AnchorName.Empty, target.Nodes, target.Depth, ref root);
                        break;
                    default:
                        throw new InvalidDataException("has a node YAML specs do not use");
                }
            }
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _)) throw new InvalidDataException("must be one YAML document");
            return root;
        }

        private void Open(JsonNode container, AnchorName anchor)
        {
            if (_open.TryPeek(out var parent) && parent.Container is JsonObject && parent.PendingKey is null)
                throw new InvalidDataException("has a mapping key that is not a plain name");
            if (_open.Count >= MaxDepth) throw TooDeep();
            _open.Push(new Frame(container, _nodes, anchor)); // first, so the container counts in its own subtree
            Reserve(1);
        }

        /// <summary>Puts a finished node into its parent (or makes it the root); true when the document is complete.</summary>
        private bool Place(JsonNode? node, AnchorName anchor, int subtreeNodes, int subtreeDepth, ref JsonNode? root)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = new Anchored(node, subtreeNodes, subtreeDepth);
            if (!_open.TryPeek(out var parent))
            {
                root = node;
                return true;
            }
            parent.SubtreeDepth = Math.Max(parent.SubtreeDepth, subtreeDepth + 1);
            if (parent.Container is JsonArray array)
            {
                array.Add(node);
                return false;
            }
            var map = (JsonObject)parent.Container;
            if (parent.PendingKey is null)
            {
                // A key: YAML allows any node there, specs only names.
                parent.PendingKey = node is JsonValue v && v.TryGetValue<string>(out var text) ? text
                    : node is null ? "" : throw new InvalidDataException("has a mapping key that is not a plain name");
                if (map.ContainsKey(parent.PendingKey)) throw new InvalidDataException($"has the key '{parent.PendingKey}' twice");
                return false;
            }
            map[parent.PendingKey] = node;
            parent.PendingKey = null;
            return false;
        }

        private void Reserve(int nodes)
        {
            _nodes += nodes;
            if (_nodes > MaxNodes) throw new InvalidDataException($"has more than {MaxNodes:N0} values (counting each copy an alias makes)");
        }

        private static InvalidDataException TooDeep() => new($"nests deeper than {MaxDepth} levels");

        /// <summary>Keys are read the same way as values, so a plain key such as `1e3` must come back as text.</summary>
        private JsonNode? ScalarValue(Scalar scalar) =>
            _open.TryPeek(out var parent) && parent.Container is JsonObject && parent.PendingKey is null
                ? JsonValue.Create(scalar.Value)
                : Typed(scalar);
    }

    private static JsonNode? Typed(Scalar scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return JsonValue.Create(integer);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)) return JsonValue.Create(real);
        // .inf, .nan and numbers beyond double's range have no JSON form: as strings they fail the field's type check with a clear error.
        return JsonValue.Create(text);
    }
}
