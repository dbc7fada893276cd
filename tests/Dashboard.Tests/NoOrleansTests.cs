using System.Reflection;

namespace ScaleLab.Dashboard.Tests;

/// <summary>The REST API is the dashboard's only door: neither it nor the client and domain it uses may load Orleans.</summary>
public class NoOrleansTests
{
    [Fact]
    public void The_dashboard_references_no_Orleans_assembly_directly_or_through_its_references()
    {
        var seen = new Dictionary<string, AssemblyName>();
        var pending = new Stack<AssemblyName>([typeof(Components.Pages.DatasetsPage).Assembly.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (!seen.TryAdd(name.Name!, name)) continue;
            if (!name.Name!.StartsWith("ScaleLab.", StringComparison.Ordinal)) continue;
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies()) pending.Push(reference);
        }

        Assert.Contains("ScaleLab.Client", seen.Keys);
        Assert.Contains("ScaleLab.Domain", seen.Keys);
        Assert.DoesNotContain(seen.Keys, n => n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
        Assert.DoesNotContain("ScaleLab.Contracts", seen.Keys);
    }
}
