using System.Text;
using Azure.Storage.Blobs;
using Npgsql;

namespace ScaleLab.IntegrationTests;

/// <summary>
/// The local stack from a checkout under a private directory (mode 700, as /root and every mktemp -d are): PostgreSQL's
/// own user must not need to enter it, and the scripts must not loosen its permissions.
/// </summary>
public sealed class PrivateCheckoutTests : IDisposable
{
    private readonly DirectoryInfo _private = Directory.CreateTempSubdirectory("scalelab-private-");
    private readonly string _checkout;
    private readonly Dictionary<string, string> _env;

    public PrivateCheckoutTests()
    {
        var root = ClusterFixture.FindRoot();
        _checkout = Path.Combine(_private.FullName, "checkout");
        var local = Directory.CreateDirectory(Path.Combine(_checkout, "infra", "local")).FullName;
        foreach (var script in new[] { "postgres.sh", "azurite.sh", "package.json", "package-lock.json" })
            File.Copy(Path.Combine(root, "infra", "local", script), Path.Combine(local, script));
        // The pinned Azurite install is shared with the real checkout rather than installed again.
        Directory.CreateSymbolicLink(Path.Combine(local, "node_modules"), Path.Combine(root, "infra", "local", "node_modules"));
        _env = new()
        {
            ["SCALELAB_PG_PORT"] = ClusterFixture.FreePort().ToString(),
            ["SCALELAB_AZURITE_PORT"] = ClusterFixture.FreePort().ToString(),
        };
    }

    [Fact]
    public async Task Local_stack_starts_serves_and_stops_from_a_mode_700_directory()
    {
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(_private.FullName));

        await Script("postgres.sh", "start");
        await Script("azurite.sh", "start");

        Assert.Equal(42, await QueryAsync("CREATE TABLE probe (v int); INSERT INTO probe VALUES (42); SELECT v FROM probe"));
        var data = (await Script("postgres.sh", "where")).Trim();
        if (Environment.UserName == "root")
        {
            // PostgreSQL's own user could not reach the checkout, so the cluster lives where it can, password beside it.
            Assert.False(data.StartsWith(_private.FullName, StringComparison.Ordinal), $"a root-run cluster inside the private directory: {data}");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Path.GetDirectoryName(data)!, "password")));
        }
        else
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
                File.GetUnixFileMode(Path.Combine(_checkout, ".data", "secrets", "postgres-postgres.password")));
        }
        var container = new BlobServiceClient((await Script("azurite.sh", "connection-string")).Trim()).GetBlobContainerClient("probe");
        await container.CreateAsync();
        await container.UploadBlobAsync("hello", new BinaryData(Encoding.UTF8.GetBytes("private")));
        Assert.Equal("private", (await container.GetBlobClient("hello").DownloadContentAsync()).Value.Content.ToString());

        await Script("postgres.sh", "stop");
        await Script("azurite.sh", "stop");
        Assert.Equal(3, (await StackScripts.TryRunAsync(_checkout, "infra/local/postgres.sh", "status", _env)).ExitCode);
        Assert.Equal(3, (await StackScripts.TryRunAsync(_checkout, "infra/local/azurite.sh", "status", _env)).ExitCode);
        Assert.Equal(ownerOnly, File.GetUnixFileMode(_private.FullName));

        // Kept between runs: started again, the cluster has the data of the first run.
        await Script("postgres.sh", "start");
        Assert.Equal(42, await QueryAsync("SELECT v FROM probe"));
        await Script("postgres.sh", "stop");
        if (Environment.UserName == "root")
        {
            // The checkout's .data deleted (or the checkout cloned again at this path): the same cluster is found.
            Directory.Delete(Path.Combine(_checkout, ".data"), recursive: true);
            await Script("postgres.sh", "start");
            Assert.Equal(42, await QueryAsync("SELECT v FROM probe"));
            await Script("postgres.sh", "stop");
        }

        Assert.True(File.Exists(Path.Combine(data, "PG_VERSION")), $"no cluster at {data}");
        await Script("postgres.sh", "destroy");
        Assert.False(Directory.Exists(data), $"{data} is still there after destroy");
    }

    private async Task<object?> QueryAsync(string sql)
    {
        // No pool: the server is restarted between queries.
        await using var connection = new NpgsqlConnection((await Script("postgres.sh", "connection-string")).Trim() + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private Task<string> Script(string script, string verb) =>
        StackScripts.RunAsync(_checkout, Path.Combine("infra", "local", script), verb, _env);

    public void Dispose()
    {
        StackScripts.TryRunAsync(_checkout, "infra/local/postgres.sh", "destroy", _env).GetAwaiter().GetResult();
        StackScripts.TryRunAsync(_checkout, "infra/local/azurite.sh", "stop", _env).GetAwaiter().GetResult();
        _private.Delete(recursive: true);
    }
}
