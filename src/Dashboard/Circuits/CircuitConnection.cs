using Microsoft.AspNetCore.Components.Server.Circuits;

namespace ScaleLab.Dashboard.Circuits;

/// <summary>
/// Whether this circuit's browser is connected. A circuit whose browser went away lives on for minutes in case it comes
/// back (and browsers that no longer run unload handlers never say they left), so its live refreshes ask this first:
/// each open 1,000-run sweep page read the whole sweep every 2 s for 3 minutes after it was closed.
/// </summary>
public sealed class CircuitConnection : CircuitHandler
{
    public bool Connected { get; private set; } = true;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Connected = true;
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Connected = false;
        return Task.CompletedTask;
    }
}

public static class CircuitConnectionExtensions
{
    /// <summary>One <see cref="CircuitConnection"/> per circuit, told of its connection going down and up.</summary>
    public static IServiceCollection AddCircuitConnection(this IServiceCollection services) =>
        services.AddScoped<CircuitConnection>().AddScoped<CircuitHandler>(sp => sp.GetRequiredService<CircuitConnection>());
}
