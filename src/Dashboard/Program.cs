using ScaleLab.Dashboard;
using ScaleLab.Dashboard.Components;

var builder = WebApplication.CreateBuilder(args);
// Serve static assets (our CSS, Plotly's scripts from its package) from the build output too, not only from a publish:
// ./run.sh and the tests run the built dashboard in the Production environment.
builder.WebHost.UseStaticWebAssets();
builder.AddOrleansClusterClient();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
