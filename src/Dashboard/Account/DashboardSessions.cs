using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ScaleLab.Dashboard.Account;

/// <summary>
/// Logged-in users' API keys live here, in the dashboard's memory, under a random session id; the auth cookie
/// carries only that id. So a copied cookie never reveals a key, logging out revokes the session at once (a replayed
/// cookie is then refused), and a restart logs everybody out. Sessions expire after <see cref="IdleLifetime"/>
/// unused.
/// </summary>
public sealed class DashboardSessions(TimeProvider clock)
{
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(12);

    /// <summary>Each session needs a valid key to open, so this only bounds memory against a key holder's script.</summary>
    public const int MaxSessions = 10_000;

    public const string Claim = "scalelab:session";

    private sealed record Session(string ApiKey, DateTimeOffset LastUsed);

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public string Open(string apiKey)
    {
        var now = clock.GetUtcNow();
        foreach (var (id, session) in _sessions)
            if (now - session.LastUsed > IdleLifetime) _sessions.TryRemove(id, out _);
        while (_sessions.Count >= MaxSessions && _sessions.MinBy(s => s.Value.LastUsed) is { Key: { } oldest }) _sessions.TryRemove(oldest, out _);
        var sessionId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[sessionId] = new Session(apiKey, now);
        return sessionId;
    }

    /// <summary>The key of a live session (and the session's idle clock restarts), or null when it expired or was revoked.</summary>
    public string? ApiKeyOf(string? sessionId)
    {
        if (sessionId is null || !_sessions.TryGetValue(sessionId, out var session)) return null;
        var now = clock.GetUtcNow();
        if (now - session.LastUsed > IdleLifetime)
        {
            _sessions.TryRemove(sessionId, out _);
            return null;
        }
        _sessions.TryUpdate(sessionId, session with { LastUsed = now }, session);
        return session.ApiKey;
    }

    public void Revoke(string? sessionId)
    {
        if (sessionId is not null) _sessions.TryRemove(sessionId, out _);
    }
}
