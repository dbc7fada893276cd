using Bunit;
using System.Runtime.CompilerServices;

namespace ScaleLab.Dashboard.Tests;

internal static class WaitTimeout
{
    /// <summary>
    /// bUnit waits 1 s for a render by default; on a loaded 2-core machine a wait has timed out before its first check
    /// (a clean-clone run, RunSelectionTests: "check count 0"). A longer wait costs nothing when the render is prompt.
    /// </summary>
    [ModuleInitializer]
    internal static void Lengthen() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
}
