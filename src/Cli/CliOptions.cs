namespace ScaleLab.Cli;

public sealed record CliOptions(string? Command, string? Argument, bool Watch, Uri Api, string? ApiKey, string? Error)
{
    public const string Usage = "usage: scalelab submit SPEC.json [--watch] | scalelab sweep SWEEP_ID   [--api URL] [--api-key KEY]";

    public static CliOptions Parse(string[] args)
    {
        string? command = null, argument = null, key = Environment.GetEnvironmentVariable("SCALELAB_API_KEY");
        var api = Environment.GetEnvironmentVariable("SCALELAB_API") ?? "http://127.0.0.1:5080/";
        var watch = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--watch": watch = true; break;
                case "--api" when i + 1 < args.Length: api = args[++i]; break;
                case "--api-key" when i + 1 < args.Length: key = args[++i]; break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) return Fail($"unknown option {args[i]}");
                    if (command is null) command = args[i];
                    else if (argument is null) argument = args[i];
                    else return Fail($"unexpected argument {args[i]}");
                    break;
            }
        }
        if (command is not ("submit" or "sweep")) return Fail(command is null ? "no command given" : $"unknown command {command}");
        if (argument is null) return Fail($"{command} needs an argument");
        if (command == "sweep" && !Guid.TryParse(argument, out _)) return Fail($"'{argument}' is not a sweep id");
        if (!Uri.TryCreate(api.EndsWith('/') ? api : api + "/", UriKind.Absolute, out var uri)) return Fail($"'{api}' is not a URL");
        return new CliOptions(command, argument, watch, uri, key, null);

        CliOptions Fail(string error) => new(null, null, false, new Uri("http://127.0.0.1/"), null, error);
    }
}
