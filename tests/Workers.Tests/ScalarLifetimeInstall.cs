using System.Runtime.CompilerServices;
using ScaleLab.Workers.Infrastructure;

namespace ScaleLab.Workers.Tests;

/// <summary>This test process calls TorchSharp as the worker does, so it routes those calls the same way, first.</summary>
internal static class ScalarLifetimeInstall
{
    [ModuleInitializer]
    internal static void Install() => ScalarLifetime.Install();
}
