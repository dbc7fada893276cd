using ScaleLab.Dashboard;
using ScaleLab.Dashboard.Account;
using ScaleLab.Client;
using ScaleLab.Dashboard.Api;
using ScaleLab.Dashboard.Circuits;
using ScaleLab.Dashboard.Components;
using ScaleLab.Dashboard.Figures;

var builder = WebApplication.CreateBuilder(args);
// Serve static assets (our CSS, Plotly's scripts from its package) from the build output too, not only from a publish:
// ./run.sh and the tests run the built dashboard in the Production environment.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddHttpClient<ScaleLabApi>(http => http.BaseAddress = new Uri(builder.Configuration.ApiUrl()));
builder.Services.AddDashboardLogin();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddCircuitConnection();

var app = builder.Build();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapDashboardLogin();
app.MapFigureExport();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
