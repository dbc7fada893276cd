namespace ScaleLab.Dashboard.Api;

public static class ApiUrlConfiguration
{
    /// <summary>Where the REST API answers (ScaleLab:ApiUrl), with a trailing slash; downloads and mutations go there.</summary>
    public static string ApiUrl(this IConfiguration configuration) =>
        (configuration["ScaleLab:ApiUrl"] ?? "http://127.0.0.1:5080/").TrimEnd('/') + "/";
}
