using System.Runtime.Versioning;

namespace BookingFunctions.Bench.Workloads;

/// <summary>W3: 32 clients book random stays across a portfolio of 1000 accommodations of 20 rooms each.</summary>
[UnsupportedOSPlatform("windows")]
public static class PortfolioWorkload
{
    private const int RoomsEach = 20;

    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("w3", c.Options.Clients + 8, ct);
        var size = c.Options.PortfolioSize;
        var ids = await LoadPortfolioAsync(await db.Admin.OpenConnectionAsync(ct), size, ct);
        var seq = new long[c.Options.Clients];
        var m = await c.MeasureAsync(db, "W3", "W3 portfolio", c.Loop(c.Options.Clients),
            (client, r, token) =>
            {
                var (checkIn, checkOut) = Calls.RandomStay(r);
                var n = seq[client]++;
                return Calls.BookAsync(db, ids[r.Next(ids.Length)], $"w3-g{client}-{n}", checkIn, checkOut, $"k{n}", token);
            }, ct);
        var audit = await AuditResult.RunAsync(db, ct);
        c.Add(new ResultRow("W3", $"W3 portfolio: {size} accommodations x {RoomsEach} rooms, random stays", Ceiling.RandomRow, m,
            audit.Issues, audit.Oversells, $"{db.BatchSummary}; {RoomsEach} rooms never fill at this rate; audit {audit.Summary}"));
    }

    private static async Task<Guid[]> LoadPortfolioAsync(Npgsql.NpgsqlConnection connection, int size, CancellationToken ct)
    {
        await using (connection)
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "insert into booking.accommodations (name, total_inventory) select 'Portfolio ' || g, $2 from generate_series(1, $1) g returning id",
                connection);
            command.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = size });
            command.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = RoomsEach });
            var ids = new List<Guid>(size);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetGuid(0));
            }

            return [.. ids];
        }
    }
}
