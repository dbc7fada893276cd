using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;
using ScaleLab.Runs;

namespace ScaleLab.Orchestrator.Infrastructure.Orleans;

/// <summary>
/// Grain state is JSON that names each value's type with its assembly. State written before the shared library was
/// split names "ScaleLab.Shared", which no longer exists; this reads those names as the assembly that holds the type
/// now (ScaleLab.Domain or ScaleLab.Contracts), so a database from an older version keeps its queue, sweeps and runs.
/// </summary>
public sealed partial class LegacyTypeNames(ISerializationBinder inner) : ISerializationBinder
{
    private const string Legacy = "ScaleLab.Shared";

    // Public types only: grain state holds no others, and compiler-embedded internal types may share a name across both.
    private static readonly Dictionary<string, string> Home = new[] { typeof(RunConfig).Assembly, typeof(RunAssignment).Assembly }
        .SelectMany(a => a.GetExportedTypes())
        .ToDictionary(t => t.FullName!, t => t.Assembly.GetName().Name!);

    [GeneratedRegex(@"(?<type>[\w.+`]+), ScaleLab\.Shared(?=\])")]
    private static partial Regex LegacyArgument();

    public Type BindToType(string? assemblyName, string typeName)
    {
        if (assemblyName == Legacy) assemblyName = Home.GetValueOrDefault(typeName, Legacy);
        if (typeName.Contains(Legacy, StringComparison.Ordinal))
            typeName = LegacyArgument().Replace(typeName, m => $"{m.Groups["type"].Value}, {Home.GetValueOrDefault(m.Groups["type"].Value, Legacy)}");
        return inner.BindToType(assemblyName, typeName);
    }

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
        inner.BindToName(serializedType, out assemblyName, out typeName);

    /// <summary>Wraps the binder Orleans sets up for grain state; registered after Orleans' own post-configuration.</summary>
    public sealed class Install : IPostConfigureOptions<OrleansJsonSerializerOptions>
    {
        public void PostConfigure(string? name, OrleansJsonSerializerOptions options)
        {
            var settings = options.JsonSerializerSettings;
            if (settings.SerializationBinder is not LegacyTypeNames)
                settings.SerializationBinder = new LegacyTypeNames(settings.SerializationBinder ?? new DefaultSerializationBinder());
        }
    }
}
