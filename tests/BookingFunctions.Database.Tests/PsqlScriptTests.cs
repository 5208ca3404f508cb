using System.Diagnostics;
using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class PsqlScriptTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task The_plain_psql_test_script_passes_under_on_error_stop_against_a_migrated_database()
    {
        var ct = TestContext.Current.CancellationToken;
        var script = Path.Combine(AppContext.BaseDirectory, "sql", "test-atomic-booking.sql");
        var connection = new NpgsqlConnectionStringBuilder(_db.AdminConnectionString);
        var psql = new ProcessStartInfo("psql")
        {
            ArgumentList = { "-X", "-v", "ON_ERROR_STOP=1", "-f", script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PGHOST"] = connection.Host,
                ["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["PGUSER"] = connection.Username,
                ["PGPASSWORD"] = connection.Password ?? string.Empty,
                ["PGDATABASE"] = connection.Database,
            },
        };

        // Act
        using var process = Process.Start(psql)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = await stdout + await stderr;
        TestContext.Current.SendDiagnosticMessage(output);

        // Assert
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("# all checks passed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }
}
