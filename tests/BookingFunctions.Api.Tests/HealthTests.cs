using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using BookingFunctions.Health;
using BookingFunctions.Monitoring;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// GET /api/health on a host of its own: 200 while the database answers at the schema this build expects, 503
/// problem+json when the schema is behind; the audit part reports this instance's last run.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HealthTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task Health_is_200_with_the_schema_at_the_newest_migration_and_reports_the_last_audit_of_this_instance()
    {
        var ct = TestContext.Current.CancellationToken;

        // Act
        var before = await HealthAsync(ct);
        await host.Services.GetRequiredService<DoubleBookingMonitor>().RunAsync(ct);
        var after = await HealthAsync(ct);

        // Assert
        Assert.Equal(HttpStatusCode.OK, before.Status);
        Assert.Equal(HealthReport.Healthy, before.Body.GetProperty("status").GetString());
        var database = before.Body.GetProperty("database");
        Assert.True(database.GetProperty("reachable").GetBoolean());
        Assert.Equal(DatabaseProbe.ExpectedSchemaVersion, database.GetProperty("schemaVersion").GetString());
        Assert.Equal(DatabaseStatus.Current, database.GetProperty("schema").GetString());
        Assert.Equal(AuditHealth.NotRun, before.Body.GetProperty("audit").GetProperty("result").GetString());
        Assert.Equal("instance", before.Body.GetProperty("audit").GetProperty("scope").GetString());
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(AuditRun.Clean, after.Body.GetProperty("audit").GetProperty("result").GetString());
        Assert.True(after.Body.GetProperty("audit").GetProperty("ageSeconds").GetDouble() >= 0);
    }

    [Fact]
    public async Task A_schema_behind_this_build_is_503_problem_and_200_again_once_migrated()
    {
        var ct = TestContext.Current.CancellationToken;
        var newest = DatabaseProbe.ExpectedSchemaVersion;
        await using var admin = await host.Database.Admin.OpenConnectionAsync(ct);
        var row = await admin.QuerySingleAsync<(string Version, string Name, string Checksum)>(new CommandDefinition(
            "delete from booking_migrations.applied where version = @newest returning version, name, checksum", new { newest }, cancellationToken: ct));
        try
        {
            // Act: the probe's answer is cached for a moment, so ask until it is fresh (bounded)
            var behind = await HealthUntilAsync(HttpStatusCode.ServiceUnavailable, ct);

            // Assert
            Assert.Equal("application/problem+json", behind.MediaType);
            Assert.Equal(Errors.ProblemTypes.Unhealthy, behind.Body.GetProperty("type").GetString());
            Assert.Equal(HealthReport.Unhealthy, behind.Body.GetProperty("health").GetString());
            Assert.Equal(DatabaseStatus.Behind, behind.Body.GetProperty("database").GetProperty("schema").GetString());
            Assert.Contains(newest, behind.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await admin.ExecuteAsync(new CommandDefinition(
                "insert into booking_migrations.applied (version, name, checksum) values (@Version, @Name, @Checksum)",
                new { row.Version, row.Name, row.Checksum }, cancellationToken: CancellationToken.None));
        }

        var migrated = await HealthUntilAsync(HttpStatusCode.OK, ct);
        Assert.Equal(DatabaseStatus.Current, migrated.Body.GetProperty("database").GetProperty("schema").GetString());
    }

    private async Task<(HttpStatusCode Status, string? MediaType, JsonElement Body)> HealthUntilAsync(HttpStatusCode wanted, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var answer = await HealthAsync(ct);
            if (answer.Status == wanted || DateTime.UtcNow > deadline)
            {
                Assert.Equal(wanted, answer.Status);
                return answer;
            }

            await Task.Delay(250, ct);
        }
    }

    private async Task<(HttpStatusCode Status, string? MediaType, JsonElement Body)> HealthAsync(CancellationToken ct)
    {
        using var response = await host.Client.GetAsync(new Uri("/api/health", UriKind.Relative), ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }
}
