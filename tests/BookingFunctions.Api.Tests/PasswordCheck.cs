using System.Runtime.Versioning;
using BookingFunctions.Testing;
using Dapper;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The throwaway test cluster trusts every loopback login, which would let any "token" in. For the length
/// of a test this puts password rules for one role in front of pg_hba.conf, so the server really checks it;
/// the original rules come back on dispose.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class PasswordCheck : IAsyncDisposable
{
    private readonly NpgsqlDataSource _admin;
    private readonly string[] _original;

    private PasswordCheck(NpgsqlDataSource admin, string[] original)
    {
        _admin = admin;
        _original = original;
    }

    public static async Task<PasswordCheck> EnforceAsync(TestDatabase db, string role, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        var text = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select pg_read_file(current_setting('hba_file'))", cancellationToken: ct)) ?? "";
        // comments dropped and tabs turned to spaces, so COPY's text format writes every line verbatim
        var rules = text.Split('\n').Select(l => l.Replace('\t', ' ').Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        var check = new PasswordCheck(db.Admin, rules);
        await check.WriteAsync([$"local all {role} scram-sha-256", $"host all {role} 127.0.0.1/32 scram-sha-256", $"host all {role} ::1/128 scram-sha-256", .. rules], ct);
        return check;
    }

    public async ValueTask DisposeAsync() => await WriteAsync(_original, CancellationToken.None);

    private async Task WriteAsync(string[] lines, CancellationToken ct)
    {
        await using var connection = await _admin.OpenConnectionAsync(ct);
        // COPY takes no parameter for its file name: the server quotes both values with format(%L).
        var copy = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select format('copy (select unnest(%L::text[])) to %L', @lines, current_setting('hba_file'))", new { lines }, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(copy!, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("select pg_reload_conf()", cancellationToken: ct));
    }
}
