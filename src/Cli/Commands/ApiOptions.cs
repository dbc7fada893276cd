using ScaleLab.Client;
using System.CommandLine;
using Spectre.Console;

namespace ScaleLab.Cli.Commands;

/// <summary>Where the API is and the key for mutations; from options or SCALELAB_API / SCALELAB_API_KEY.</summary>
public static class ApiOptions
{
    public static readonly Option<Uri> Api = new("--api")
    {
        Description = "ScaleLab API address (env SCALELAB_API)",
        Recursive = true,
        DefaultValueFactory = _ => new Uri(Environment.GetEnvironmentVariable("SCALELAB_API") ?? "http://127.0.0.1:5080/"),
        // System.CommandLine has no built-in conversion to Uri.
        CustomParser = result =>
        {
            if (Uri.TryCreate(result.Tokens.Single().Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
            result.AddError("--api must be an absolute http(s) address such as http://127.0.0.1:5080/");
            return null;
        },
    };

    /// <summary>
    /// No default value factory: help prints an option's default, and the key must never be printed. The environment
    /// is read when the command runs (<see cref="KeyOf"/>).
    /// </summary>
    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "API key for submitting (default: the environment variable SCALELAB_API_KEY)",
        Recursive = true,
    };

    /// <summary>
    /// Every command can print its answer as the API's JSON instead, for scripts: one document on stdout and nothing
    /// else there (progress goes to <see cref="Human"/>, errors to stderr).
    /// </summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "print the answer as one JSON value (the API's own shape) and nothing else on stdout, instead of tables and progress",
        Recursive = true,
    };

    /// <summary>Writes <paramref name="value"/> as one line of the API's JSON when --json was given; true when it did.</summary>
    public static bool PrintedJson<T>(ParseResult parse, T value)
    {
        if (!parse.GetValue(Json)) return false;
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, ScaleLabApi.Json));
        return true;
    }

    /// <summary>
    /// Where a command shows people what it is doing before its answer (a live frame, progress, what it submitted):
    /// the terminal, or nowhere with --json, so that stdout holds the JSON document alone.
    /// </summary>
    public static IAnsiConsole Human(ParseResult parse) =>
        parse.GetValue(Json) ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }) : AnsiConsole.Console;

    public static string? KeyOf(ParseResult parse) => parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("SCALELAB_API_KEY");

    public static async Task<int> WithApiAsync(ParseResult parse, Func<ScaleLabApi, Task<int>> action)
    {
        var address = parse.GetValue(Api)!;
        using var http = new HttpClient { BaseAddress = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            return await action(new ScaleLabApi(http));
        }
        catch (ApiException ex)
        {
            Console.Error.WriteLine($"The API refused ({ex.Status}):{Environment.NewLine}{ex.Message}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            Console.Error.WriteLine($"Cannot reach the ScaleLab API at {address}: {ex.Message}");
            return 1;
        }
        catch (UnresolvedIdException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }

    /// <summary>A read's value, or a refusal as the API would word a 404 (printed as every other refusal is).</summary>
    public static T Found<T>(T? value, string what) where T : class => value ?? throw new ApiException(404, $"No {what}.");
}
