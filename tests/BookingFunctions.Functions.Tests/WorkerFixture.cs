using System.Net.Http.Headers;
using BookingFunctions.Functions.Tests.Host;
using BookingFunctions.Functions.Tests.Rpc;

namespace BookingFunctions.Functions.Tests;

/// <summary>
/// One real worker for the "worker" collection: a migrated database of its own, the built Functions app started
/// under <see cref="FunctionsHost"/> as the restricted app login, and warmed up, because the worker's HTTP
/// coordinator gives an invocation and its forwarded request only 5 s to find each other, which the first,
/// JIT-bound calls on a busy machine may not make.
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private FunctionsHost? _host;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    internal FunctionsHost Host => _host ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        _database = await server.CreateDatabaseAsync(nameof(WorkerFixture), ct);
        _host = await FunctionsHost.StartAsync(AppSettings(_database.AppConnectionString), ct);
        await WarmUpAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>What the Function App's app settings would hold (environment variables, `__` for `:`).</summary>
    internal static Dictionary<string, string?> AppSettings(string? connectionString, string? audience = TestTokens.Audience) => new(StringComparer.Ordinal)
    {
        ["ConnectionStrings__BookingDb"] = connectionString,
        ["Booking__Auth__Issuer"] = TestTokens.Issuer,
        ["Booking__Auth__Audience"] = audience,
        ["Booking__Auth__DevSigningKey"] = TestTokens.SigningKey,
        ["Booking__Auth__StaffRole"] = TestTokens.StaffRole,
        ["Booking__Auth__ClockSkew"] = "00:00:05",
        ["DoubleBookingMonitorSchedule"] = "0 */5 * * * *",
    };

    internal async Task<HttpInvocation> SendAsync(HttpMethod method, string path, string? token = null, HttpContent? body = null,
        string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri("http://functions.test"), path)) { Content = body };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Host.SendAsync(request, TestContext.Current.CancellationToken);
    }

    // Until an HTTP invocation and a timer invocation have each gone through once; bounded, never timed.
    private async Task WarmUpAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var warm = await SendAsync(HttpMethod.Get, $"/api/accommodations/{Guid.NewGuid()}/availability?checkIn=2030-01-01&checkOut=2030-01-02");
            if (warm.Invocation?.Result.Status == StatusResult.Types.Status.Success)
            {
                break;
            }

            if (attempt == 10)
            {
                throw new InvalidOperationException($"The worker did not complete a warm-up invocation in 10 attempts:\n{Host.Process.Output}");
            }
        }

        using var create = await SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.Body(new { accommodationId = Guid.NewGuid(), checkIn = "2030-01-01", checkOut = "2030-01-02" }));
        await Host.FireTimerAsync("DoubleBookingMonitor", ct);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedWorker : ICollectionFixture<WorkerFixture>
{
    public const string Name = "worker";
}
