using ScaleLab.Dashboard;
using ScaleLab.Dashboard.Components;

var builder = WebApplication.CreateBuilder(args);
builder.AddOrleansClusterClient();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();
app.UseExceptionHandler("/error", createScopeForErrors: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Run();
