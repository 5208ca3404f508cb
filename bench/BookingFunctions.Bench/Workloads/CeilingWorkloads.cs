using System.Runtime.Versioning;
using Npgsql;

namespace BookingFunctions.Bench.Workloads;

/// <summary>C1/C2: what this server can commit at all, through the same client path as the functions.</summary>
[UnsupportedOSPlatform("windows")]
public static class CeilingWorkloads
{
    private const int Rows = 1_000_000;

    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("ceilings", c.Options.Clients + 8, ct);
        await c.Progress.StepAsync("Ceilings: load 1M-row table", async () =>
        {
            await db.ExecuteAsync(BenchSql.File("ceilings.sql"), new { Rows }, ct);
            await db.ExecuteAsync("vacuum analyze bench_ceiling.random_rows", null, ct);
        });

        var random = await c.MeasureAsync(db, "C1", "C1 ceiling: random row update", c.Loop(c.Options.Clients),
            async (_, r, token) =>
            {
                await using var command = db.DataSource.CreateCommand(BenchSql.UpdateRandomRow);
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = r.Next(1, Rows + 1) });
                await command.ExecuteNonQueryAsync(token);
            }, ct);
        c.Add(new ResultRow("C1", "Ceiling: 1-statement txn, random row of 1M", Ceiling.RandomRow, random, null, null,
            "group-commit ceiling"));

        var hot = await c.MeasureAsync(db, "C2", "C2 ceiling: hot row update", c.Loop(c.Options.Clients),
            async (_, _, token) =>
            {
                await using var command = db.DataSource.CreateCommand(BenchSql.UpdateHotRow);
                await command.ExecuteNonQueryAsync(token);
            }, ct);
        c.Add(new ResultRow("C2", "Ceiling: 1-statement txn, one hot row", Ceiling.HotRow, hot, null, null,
            "fully serialized ceiling"));
    }
}
