using Polly.Registry;
using Scalar.AspNetCore;
using ScaleLab.Orchestrator.Datasets;
using ScaleLab.Orchestrator.External;
using ScaleLab.Orchestrator.Infrastructure;
using ScaleLab.Orchestrator.Infrastructure.Database;
using ScaleLab.Orchestrator.Runs;
using ScaleLab.Orchestrator.Scaling;
using ScaleLab.Orchestrator.Scheduling;
using ScaleLab.Orchestrator.Schedules;
using ScaleLab.Orchestrator.Sweeps;

var builder = WebApplication.CreateBuilder(args);
builder.AddApplicationServices();
var app = builder.Build();

await DatabaseBootstrap.ApplyAsync(builder.Configuration.PostgresConnectionString(),
    app.Services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(OrchestratorResilience.PostgresAtStart),
    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DatabaseBootstrap"), app.Lifetime.ApplicationStopping);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapOpenApi();
app.MapScalarApiReference("/reference", o => o.WithTitle("ScaleLab API").AddPreferredSecuritySchemes(ApiKeyAuthentication.SchemeName));
app.MapHealthChecks("/health");
app.MapSweepsApi();
app.MapRunsApi();
app.MapExternalApi();
app.MapWorkersApi();
app.MapFitsApi();
app.MapSchedulesApi();
app.MapDatasetsApi();
app.MapAccountApi();
app.MapScaleLabHangfireDashboard();
app.Run();

public partial class Program;
