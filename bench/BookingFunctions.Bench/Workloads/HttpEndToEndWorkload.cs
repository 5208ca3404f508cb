using System.Net.Http.Json;
using System.Security.Cryptography;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W6: the standalone ASP.NET Core host (started in-process on 127.0.0.1 through its public factory, with a
/// dev JWT signing key) under 64 clients, each iteration one POST /api/bookings (bearer token, Idempotency-Key)
/// and one GET availability; compared with 64 clients making the same two calls straight on the database
/// (W6d) in the same run. One "transaction" here is one such iteration (a booking plus an availability check).
/// </summary>
public static class HttpEndToEndWorkload
{
    private const string Issuer = "booking-bench";
    private const string Audience = "booking-api";

    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        var clients = c.Options.HttpClients;
        await RunDirectAsync(c, clients, ct);
        await RunHttpAsync(c, clients, ct);
    }

    private static async Task RunDirectAsync(BenchContext c, int clients, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("w6_direct", clients + 8, ct);
        var accommodation = await db.AddAccommodationAsync("Direct", HotPropertyWorkload.LargeCapacity, ct);
        var seq = new long[clients];
        var m = await c.MeasureAsync(db, "W6d", "W6 direct DB, create + availability", c.Loop(clients),
            async (client, r, token) =>
            {
                var (checkIn, checkOut) = Calls.RandomStay(r);
                var n = seq[client]++;
                await Calls.BookAsync(db, accommodation, $"w6d-g{client}", checkIn, checkOut, $"k{n}", token);
                var (from, to) = Calls.RandomStay(r);
                await Calls.AskAvailabilityAsync(db, accommodation, from, to, token);
            }, ct);
        var audit = await AuditResult.RunAsync(db, ct);
        c.Add(new ResultRow("W6d", $"W6 direct DB: {clients} clients, create + availability per iteration", Ceiling.RandomRow, m,
            audit.Issues, audit.Oversells, $"the reference for W6: the host's booking and availability paths without HTTP ({db.BatchSummary}); audit {audit.Summary}"));
    }

    private static async Task RunHttpAsync(BenchContext c, int clients, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("w6_http", clients + 8, ct);
        var accommodation = await db.AddAccommodationAsync("Over HTTP", HotPropertyWorkload.LargeCapacity, ct);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                // the host's own pool, like production: big enough for 64 concurrent requests
                ["ConnectionStrings:BookingDb"] = BenchDatabase.ClientConnectionString(db.Server.AdminConnectionString, db.Name, db.Server.CapPool(clients + 16), "bench-http"),
                ["Booking:Auth:Issuer"] = Issuer,
                ["Booking:Auth:Audience"] = Audience,
                ["Booking:Auth:DevSigningKey"] = key,
                // the monitor must not run inside the measured window
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
                ["Booking:ConcurrentBatches"] = db.Server.BookingOptions.ConcurrentBatches.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Booking:MaxBatchSize"] = db.Server.BookingOptions.MaxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            // one Information line per booking on the console would measure the terminal, not the API
            builder.Logging.ClearProviders();
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        var tokens = Enumerable.Range(0, clients).Select(i => Token(key, $"w6h-g{i}")).ToArray();
        var seq = new long[clients];
        var m = await c.MeasureAsync(db, "W6", "W6 HTTP end-to-end, create + availability", c.Loop(clients),
            async (client, r, token) =>
            {
                var (checkIn, checkOut) = Calls.RandomStay(r);
                using var create = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
                {
                    Content = JsonContent.Create(new { accommodationId = accommodation, checkIn = Iso(checkIn), checkOut = Iso(checkOut), guests = 1 }),
                };
                create.Headers.Authorization = new("Bearer", tokens[client]);
                create.Headers.Add("Idempotency-Key", $"k{seq[client]++}");
                using (var created = await http.SendAsync(create, token))
                {
                    created.EnsureSuccessStatusCode();
                }

                var (from, to) = Calls.RandomStay(r);
                using var available = await http.GetAsync(
                    $"/api/accommodations/{accommodation}/availability?checkIn={Iso(from)}&checkOut={Iso(to)}", token);
                available.EnsureSuccessStatusCode();
            }, ct);
        await app.StopAsync(CancellationToken.None);
        var audit = await AuditResult.RunAsync(db, ct);
        c.Add(new ResultRow("W6", $"W6 HTTP end-to-end: standalone host on loopback, {clients} clients, POST booking + GET availability",
            Ceiling.RandomRow, m, audit.Issues, audit.Oversells,
            $"in-process Kestrel, dev JWT (HS256), console logging off; audit {audit.Summary}"));
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A dev token as the host validates it: HS256, issuer, audience, an hour of lifetime, guest = subject.</summary>
    private static string Token(string key, string subject) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Claims = new Dictionary<string, object> { ["sub"] = subject },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}
