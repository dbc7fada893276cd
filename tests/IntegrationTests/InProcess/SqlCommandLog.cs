using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScaleLab.IntegrationTests.InProcess;

/// <summary>
/// Records the SQL commands EF Core sends on behalf of one async flow: a test's own calls and, through TestServer's
/// preserved execution context, the requests it sends. Commands of other flows (background services, other requests)
/// are not recorded, so a test can pin exactly how many round trips an operation costs.
/// </summary>
public sealed class SqlCommandLog : DbCommandInterceptor
{
    private readonly AsyncLocal<List<string>?> _current = new();

    /// <summary>Starts recording this async flow's commands; the list returned fills as they are sent.</summary>
    public IReadOnlyList<string> Record()
    {
        var commands = new List<string>();
        _current.Value = commands;
        return commands;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Add(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Add(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Add(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    private void Add(DbCommand command)
    {
        if (_current.Value is not { } commands) return;
        lock (commands) commands.Add(command.CommandText);
    }
}
