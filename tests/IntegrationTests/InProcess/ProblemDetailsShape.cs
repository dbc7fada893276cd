using System.Text.Json;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>Assertions on the RFC 7807 problem details the API answers refusals with.</summary>
public static class ProblemDetailsShape
{
    /// <summary>The type URIs ASP.NET Core gives problems by status (RFC 9110's section on the status code).</summary>
    private static readonly Dictionary<int, string> Types = new()
    {
        [400] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        [401] = "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        [404] = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        [409] = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
    };

    /// <summary>type, title and status as RFC 7807 has them; the status equal to the response's.</summary>
    public static void AssertProblem(JsonElement problem, int status, string? title = null)
    {
        Assert.Equal(Types[status], problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        if (title is not null) Assert.Equal(title, problem.GetProperty("title").GetString());
        else Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    /// <summary>A 400 whose errors name exactly <paramref name="fields"/>, each with at least one message.</summary>
    public static void AssertValidationProblem(JsonElement problem, string title, params string[] fields)
    {
        AssertProblem(problem, 400, title);
        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var error in errors)
        {
            Assert.Equal(JsonValueKind.Array, error.Value.ValueKind);
            Assert.NotEmpty(error.Value.EnumerateArray());
            Assert.All(error.Value.EnumerateArray(), message => Assert.False(string.IsNullOrWhiteSpace(message.GetString())));
        }
    }
}
