using ScaleLab.Workers.Infrastructure;

var builder = Host.CreateApplicationBuilder(args);
builder.AddWorkerServices();
var host = builder.Build();
await WorkerStartup.WaitForClusterSchemaAsync(builder.Configuration, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Startup"));
await host.RunAsync();
