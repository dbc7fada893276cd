using System.CommandLine;
using ScaleLab.Workers.Infrastructure;
using ScaleLab.Workers.Standalone;

ScalarLifetime.Install();   // before the first call into TorchSharp

// `train ...` trains one run standalone; `bench-mixers`, `bench-loader` and `bench-packing` measure mixer, data and
// packed-run throughput; `tokenize` builds a data set; `devices` lists the slots this machine offers; with no command
// it runs the Worker silo.
if (args.Length > 0 && args[0] is "train" or "bench-mixers" or "bench-loader" or "bench-packing" or "tokenize" or "devices")
    return await new RootCommand("ScaleLab worker")
    {
        TrainCommand.Create(), MixerBenchCommand.Create(), LoaderBenchCommand.Create(), PackingBenchCommand.Create(), DatasetCommand.Create(),
        DevicesCommand.Create(),
    }.Parse(args).InvokeAsync();

var builder = Host.CreateApplicationBuilder(args);
builder.AddWorkerServices();
var host = builder.Build();
await WorkerStartup.WaitForClusterSchemaAsync(host.Services, builder.Configuration);
await host.RunAsync();
return 0;
