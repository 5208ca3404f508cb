using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using BookingFunctions.LocalPostgres;
using Dapper;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W7, serverless scale-out: 16 standalone-host processes (each one a Functions instance's stand-in, with its own
/// pool) × 8 clients, each iteration a POST booking and a GET availability, against a PostgreSQL of their own with
/// max_connections = 50 —
/// W7d: the same 128 clients on one host process straight to PostgreSQL (the reference);
/// W7:  the 16 processes through one PgBouncer in transaction mode with 20 server connections;
/// W7n: the 16 processes straight to PostgreSQL, no pooler: more pools than connection slots;
/// W7p1, W7s: where W7's distance from W7d comes from — the pooler alone (one process through it) and the 16
/// co-located processes alone (straight to PostgreSQL with pools small enough to fit its connection slots).
/// Every non-success answer is counted by kind; a 503 counts as "come back later" only with Retry-After.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class ScaleOutWorkload
{
    public const int Instances = 16;
    public const int ClientsPerInstance = 8;
    public const int ServerMaxConnections = 50;
    public const int PoolerServerConnections = 20;

    /// <summary>Max Pool Size of each of the 16 instances: 16 × 10 = 160 client connections, far above the server's 50.</summary>
    public const int InstancePoolSize = 10;

    /// <summary>Max Pool Size of the single process: within the server's 47 non-superuser slots.</summary>
    public const int SingleProcessPoolSize = 40;

    /// <summary>Max Pool Size of each of the 16 processes in W7s: 16 × 2 = 32 connections, within the 47 slots.</summary>
    public const int FittingInstancePoolSize = 2;

    /// <summary>An answer slower than this counts as a hang.</summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);

    private const string Issuer = "booking-bench";
    private const string Audience = "booking-api";

    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        var notRun = c.Options.ConnectionString is not null
            ? $"W7 needs a PostgreSQL of its own with max_connections = {ServerMaxConnections}; not with {BenchOptions.ConnectionStringVariable}"
            : LocalPgBouncer.FindBinary() is null
                ? $"W7 needs PgBouncer: {LocalPgBouncer.InstallHint}"
                : !File.Exists(HostProcess.Assembly)
                    ? $"W7 needs the standalone host built in Release ({HostProcess.Assembly}): run ./bench.sh, which builds it"
                    : null;
        if (notRun is not null)
        {
            foreach (var id in new[] { "W7d", "W7", "W7n" })
            {
                c.Add(new ResultRow(id, $"{id} serverless scale-out", Ceiling.None, null, null, null, "", notRun));
            }

            return;
        }

        await using var server = await BenchServer.StartDedicatedAsync(c.Options, ServerMaxConnections, ct);
        server.UseExperiment = c.Server.UseExperiment;
        var (user, password) = await server.CreateAppLoginAsync("bench_w7_app", ct);
        var serverPort = server.Cluster!.Port;
        var work = Path.Combine(Path.GetTempPath(), $"booking-bench-w7-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            await using var pooler = await LocalPgBouncer.StartAsync(new LocalPgBouncerOptions(
                Path.Combine(work, "pgbouncer"), "127.0.0.1", serverPort,
                new Dictionary<string, string>(StringComparer.Ordinal) { [user] = password },
                DefaultPoolSize: PoolerServerConnections, MaxClientConnections: 1000), ct);
            var login = (user, password);
            var clients = Instances * ClientsPerInstance;
            // Without the pooler first: PgBouncer keeps its server connections open once it has them (20 of the 47
            // slots), which the direct phases would otherwise have to share.
            await RunPhaseAsync(c, server, new Phase("W7d",
                $"W7d one host process, {clients} clients, straight to PostgreSQL (max_connections {ServerMaxConnections})",
                1, clients, serverPort, SingleProcessPoolSize, ThroughPooler: false), login, work, ct);
            await RunPhaseAsync(c, server, new Phase("W7s",
                $"W7s {Instances} host processes × {ClientsPerInstance} clients straight to PostgreSQL, Max Pool Size {FittingInstancePoolSize} each: within its slots (the cost of 16 processes alone)",
                Instances, ClientsPerInstance, serverPort, FittingInstancePoolSize, ThroughPooler: false), login, work, ct);
            await RunPhaseAsync(c, server, new Phase("W7n",
                $"W7n the same {Instances} processes × {ClientsPerInstance} clients straight to PostgreSQL, no pooler",
                Instances, ClientsPerInstance, serverPort, InstancePoolSize, ThroughPooler: false), login, work, ct);
            await RunPhaseAsync(c, server, new Phase("W7",
                $"W7 {Instances} host processes × {ClientsPerInstance} clients through one PgBouncer (transaction mode, {PoolerServerConnections} server connections)",
                Instances, ClientsPerInstance, pooler.Port, InstancePoolSize, ThroughPooler: true), login, work, ct);
            await RunPhaseAsync(c, server, new Phase("W7p1",
                $"W7p1 one host process, {clients} clients, through the same PgBouncer (the pooler's own cost)",
                1, clients, pooler.Port, SingleProcessPoolSize, ThroughPooler: true), login, work, ct);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // a leftover folder under /tmp is harmless
            }
        }
    }

    private sealed record Phase(string Id, string Label, int Instances, int ClientsPerInstance, int Port, int PoolSize, bool ThroughPooler);

    private static async Task RunPhaseAsync(BenchContext c, BenchServer server, Phase phase, (string User, string Password) login, string work,
        CancellationToken ct)
    {
        await using var db = await server.CreateDatabaseAsync(phase.Id.ToLowerInvariant(), 4, ct);
        var accommodation = await db.AddAccommodationAsync("Scaled out", HotPropertyWorkload.LargeCapacity, ct);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = phase.Port,
            Database = db.Name,
            Username = login.User,
            Password = login.Password,
            ApplicationName = "bench-w7",
            MaxPoolSize = phase.PoolSize,
            // a request waits at most 5 s for a connection (pool or server) before it is answered 503
            Timeout = 5,
            // behind the pooler, as the README asks: nothing to reset, and DISCARD ALL would cost a transaction each time
            NoResetOnClose = phase.ThroughPooler,
        }.ConnectionString;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ConnectionStrings:BookingDb"] = connectionString,
            ["Booking:Auth:Issuer"] = Issuer,
            ["Booking:Auth:Audience"] = Audience,
            ["Booking:Auth:DevSigningKey"] = key,
            ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            ["Booking:ConcurrentBatches"] = server.BookingOptions.ConcurrentBatches.ToString(CultureInfo.InvariantCulture),
            ["Booking:MaxBatchSize"] = server.BookingOptions.MaxBatchSize.ToString(CultureInfo.InvariantCulture),
        };

        var hosts = new List<HostProcess>();
        var http = new List<HttpClient>();
        try
        {
            await c.Progress.StepAsync($"{phase.Id}: starting {phase.Instances} host process(es)", async () =>
                hosts.AddRange(await Task.WhenAll(Enumerable.Range(0, phase.Instances).Select(i =>
                    HostProcess.StartAsync(settings, Path.Combine(work, $"{phase.Id}-host-{i}.log"), ct)))));
            foreach (var host in hosts)
            {
                http.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = phase.ClientsPerInstance })
                {
                    BaseAddress = host.BaseAddress,
                    Timeout = TimeSpan.FromSeconds(30),
                });
            }

            var clients = phase.Instances * phase.ClientsPerInstance;
            var tokens = Enumerable.Range(0, clients).Select(i => Token(key, $"{phase.Id}-g{i}")).ToArray();
            var seq = new long[clients];
            var answers = new Answers();
            ClientCall call = async (client, r, token) =>
            {
                var host = http[client / phase.ClientsPerInstance];
                var (checkIn, checkOut) = Calls.RandomStay(r);
                using (var create = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
                       {
                           Content = JsonContent.Create(new { accommodationId = accommodation, checkIn = Iso(checkIn), checkOut = Iso(checkOut), guests = 1 }),
                       })
                {
                    create.Headers.Authorization = new("Bearer", tokens[client]);
                    create.Headers.Add("Idempotency-Key", $"k{seq[client]++}");
                    await answers.SendAsync(host, create, token);
                }

                var (from, to) = Calls.RandomStay(r);
                using var available = new HttpRequestMessage(HttpMethod.Get,
                    $"/api/accommodations/{accommodation}/availability?checkIn={Iso(from)}&checkOut={Iso(to)}");
                await answers.SendAsync(host, available, token);
            };

            // every process JITs its paths before the window, not during it
            await c.Progress.StepAsync($"{phase.Id}: warming up the hosts", () => Task.WhenAll(Enumerable.Range(0, clients)
                .Where(client => client % phase.ClientsPerInstance < 2)
                .Select(async client =>
                {
                    var random = new Random(client);
                    for (var i = 0; i < 20; i++)
                    {
                        try
                        {
                            await call(client, random, ct);
                        }
                        catch (HttpAnswerException)
                        {
                            // W7n refuses some: warming up is all this is for
                        }
                    }
                })));
            answers.Reset();

            var loop = c.Loop(clients);
            await using var connections = new ConnectionSampler(db, login.User);
            var m = await c.MeasureAsync(db, phase.Id, phase.Label, loop, async () =>
            {
                connections.Start();
                try
                {
                    return await loop.RunAsync(call, ct);
                }
                finally
                {
                    await connections.StopAsync();
                }
            }, ct);
            var audit = await AuditResult.RunAsync(db, ct);
            var loggedErrors = hosts.Sum(h => h.LoggedErrors);
            c.Add(new ResultRow(phase.Id, phase.Label, Ceiling.None, m, audit.Issues, audit.Oversells,
                string.Create(CultureInfo.InvariantCulture,
                    $"one iteration = POST booking + GET availability; Max Pool Size {phase.PoolSize} per process, Timeout 5 s{(phase.ThroughPooler ? ", No Reset On Close" : "")}, otherwise the app's defaults (no auto-prepare); server connections of the app at most {connections.Max} (sampled every 100 ms); answers: {answers.Summary}; slowest non-success answer {answers.SlowestFailureMs} ms, answers slower than {HangBound.TotalSeconds:0} s: {answers.Slow}; errors logged by the hosts: {loggedErrors}{FirstError(hosts)}; audit {audit.Summary}")));
            c.ScaleOut[c.ResultKey(phase.Id)] = new ScaleOutResult(connections.Max, answers.Slow, answers.SlowestFailureMs, loggedErrors, answers.Failures);
        }
        finally
        {
            foreach (var client in http)
            {
                client.Dispose();
            }

            await Task.WhenAll(hosts.Select(h => h.DisposeAsync().AsTask()));
        }
    }

    private static string FirstError(List<HostProcess> hosts) =>
        hosts.Select(h => h.FirstError).FirstOrDefault(e => e is not null) is { } first ? $" (the first: {first})" : "";

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Token(string key, string subject) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddHours(1),
        Claims = new Dictionary<string, object> { ["sub"] = subject },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>Every answer of a phase by kind, the slowest failure, and how many took longer than <see cref="HangBound"/>.</summary>
    private sealed class Answers
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _kinds = new(StringComparer.Ordinal);
        private long _slow;
        private long _slowestFailureMs;

        public long Slow => Interlocked.Read(ref _slow);

        public long SlowestFailureMs => Interlocked.Read(ref _slowestFailureMs);

        public IReadOnlyDictionary<string, long> Failures => _kinds.Where(k => !k.Key.StartsWith('2')).ToDictionary(StringComparer.Ordinal);

        public string Summary => string.Join(", ", _kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}: {k.Value:N0}"));

        public void Reset()
        {
            _kinds.Clear();
            Interlocked.Exchange(ref _slow, 0);
            Interlocked.Exchange(ref _slowestFailureMs, 0);
        }

        public async Task SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            HttpAnswerException? failure = null;
            try
            {
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode)
                {
                    Count(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), started, failed: false);
                    return;
                }

                failure = HttpAnswerException.From(response);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = new HttpAnswerException("no answer within 30 s");
            }
            catch (HttpRequestException)
            {
                failure = new HttpAnswerException("connection failed");
            }

            Count(failure.Kind, started, failed: true);
            throw failure;
        }

        private void Count(string kind, long started, bool failed)
        {
            _kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed > HangBound)
            {
                Interlocked.Increment(ref _slow);
            }

            if (failed)
            {
                var ms = (long)elapsed.TotalMilliseconds;
                long current;
                while (ms > (current = Interlocked.Read(ref _slowestFailureMs))
                       && Interlocked.CompareExchange(ref _slowestFailureMs, ms, current) != current)
                {
                }
            }
        }
    }

    /// <summary>The most server connections the app's login holds at once, sampled from pg_stat_activity.</summary>
    private sealed class ConnectionSampler(BenchDatabase db, string user) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;
        private long _max;

        public long Max => Interlocked.Read(ref _max);

        public void Start() => _loop = Task.Run(LoopAsync);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            if (_loop is not null)
            {
                await _loop;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            // superuser: it still gets in when the app has taken every ordinary slot (superuser_reserved_connections)
            await using var connection = await db.Admin.OpenConnectionAsync(CancellationToken.None);
            while (!_stop.IsCancellationRequested)
            {
                var n = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "select count(*) from pg_stat_activity where usename = @user", new { user }, cancellationToken: CancellationToken.None));
                if (n > Interlocked.Read(ref _max))
                {
                    Interlocked.Exchange(ref _max, n);
                }

                try
                {
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
