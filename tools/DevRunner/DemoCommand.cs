using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using HdrHistogram;
using Microsoft.Extensions.Logging;
using Npgsql;
using Spectre.Console;

namespace BookingFunctions.DevRunner;

/// <summary>
/// ./run demo: N guests race over HTTP for the last K rooms of one night. Shows live progress, then who won,
/// why the others were refused, latency percentiles and the audit's verdict.
/// </summary>
internal static class DemoCommand
{
    public static async Task<int> ExecuteAsync(DevSettings settings, string[] args, CancellationToken ct)
    {
        var clients = Option(args, "--clients", 200);
        var rooms = Option(args, "--rooms", 5);
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await using var database = await DevDatabase.StartAsync(settings, logging, ct);
        var tokens = new DevTokens(DevSecrets.Get(settings.DataDirectory, "dev-signing-key"), TimeProvider.System);
        var port = DevHost.FreePort();
        await using var app = DevHost.Build(database, tokens, port, LogLevel.Warning);
        await app.StartAsync(ct);

        var suite = await CreateFlashSaleSuiteAsync(database, rooms, ct);
        var night = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        AnsiConsole.MarkupLine($"[bold]{clients}[/] guests race for the last [bold]{rooms}[/] rooms of {night:yyyy-MM-dd} over HTTP (127.0.0.1:{port}).");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        // Warm-up, so the race measures bookings rather than JIT, TCP and database-pool start-up.
        var warmUp = $"/api/accommodations/{suite}/availability?checkIn={night:yyyy-MM-dd}&checkOut={night.AddDays(1):yyyy-MM-dd}";
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ => (await http.GetAsync(warmUp, ct)).Dispose()));
        using (var warmUpBooking = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            // a week later: warms the booking path without touching the night being raced for
            Content = JsonContent.Create(new
            {
                accommodationId = suite,
                checkIn = night.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                checkOut = night.AddDays(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                guests = 1,
            }),
        })
        {
            warmUpBooking.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For("demo-warm-up"));
            (await http.SendAsync(warmUpBooking, ct)).Dispose();
        }

        var results = new (HttpStatusCode Status, string? Type, long Micros)[clients];
        var answered = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async progress =>
        {
            var bar = progress.AddTask("answers", maxValue: clients);
            var requests = Enumerable.Range(0, clients).Select(async i =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
                {
                    Content = JsonContent.Create(new
                    {
                        accommodationId = suite,
                        checkIn = night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        checkOut = night.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        guests = 1,
                    }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For($"demo-racer-{i}"));
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                await gate.Task;
                var clock = Stopwatch.StartNew();
                using var response = await http.SendAsync(request, ct);
                var type = response.IsSuccessStatusCode ? null : (await response.Content.ReadFromJsonAsync<Problem>(ct))?.Type;
                results[i] = (response.StatusCode, type, clock.ElapsedTicks * 1_000_000 / Stopwatch.Frequency);
                Interlocked.Increment(ref answered);
            }).ToArray();
            gate.SetResult();
            var all = Task.WhenAll(requests);
            while (!all.IsCompleted)
            {
                bar.Value = Volatile.Read(ref answered);
                await Task.WhenAny(all, Task.Delay(50, ct));
            }

            bar.Value = clients;
            await all;
        });

        var findings = await AuditRowsAsync(database, ct);
        var winners = results.Count(r => r.Status == HttpStatusCode.Created);
        PrintSummary(results, rooms, winners, findings);
        await app.StopAsync(ct);
        return winners == rooms && findings == 0 ? 0 : 1;
    }

    private static void PrintSummary((HttpStatusCode Status, string? Type, long Micros)[] results, int rooms, int winners, long findings)
    {
        var table = new Table().AddColumn("outcome").AddColumn(new TableColumn("requests").RightAligned());
        foreach (var group in results.GroupBy(r => r.Status == HttpStatusCode.Created ? "201 booked" : $"{(int)r.Status} {r.Type}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(group.Key), group.Count().ToString(CultureInfo.InvariantCulture));
        }

        // microseconds, up to one minute
        var histogram = new LongHistogram(60_000_000, 3);
        foreach (var r in results)
        {
            histogram.RecordValue(Math.Max(1, r.Micros));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"latency p50 {histogram.GetValueAtPercentile(50) / 1000.0:F1} ms, p95 {histogram.GetValueAtPercentile(95) / 1000.0:F1} ms, p99 {histogram.GetValueAtPercentile(99) / 1000.0:F1} ms, max {histogram.GetMaxValue() / 1000.0:F1} ms"));
        AnsiConsole.MarkupLine(winners == rooms
            ? $"[green]exactly {winners} winners for {rooms} rooms[/]"
            : $"[red]{winners} winners for {rooms} rooms[/]");
        AnsiConsole.MarkupLine(findings == 0
            ? "[green]audit (check_for_double_bookings): clean[/]"
            : $"[red]audit (check_for_double_bookings): {findings} findings[/]");
    }

    /// <summary>Through create_accommodation, as the seed does (as booking_owner, which the migrating user was granted).</summary>
    private static async Task<Guid> CreateFlashSaleSuiteAsync(DevDatabase database, int rooms, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync(ct);
        await using (var asOwner = new NpgsqlCommand("set role booking_owner", connection))
        {
            await asOwner.ExecuteNonQueryAsync(ct);
        }

        await using var cmd = new NpgsqlCommand("select id from create_accommodation($1, $2, 2, 'UTC', 'demo')", connection);
        cmd.Parameters.AddWithValue($"Flash Sale Suite {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}");
        cmd.Parameters.AddWithValue(rooms);
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<long> AuditRowsAsync(DevDatabase database, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(database.AdminConnectionString);
        await using var cmd = dataSource.CreateCommand("select count(*) from check_for_double_bookings()");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return fallback;
        }

        return index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value > 0
            ? value
            : throw new DevRunnerException($"{name} takes a positive whole number.");
    }

    private sealed record Problem(string? Type, string? Title, string? Detail);
}
