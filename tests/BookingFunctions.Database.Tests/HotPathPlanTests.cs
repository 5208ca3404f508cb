using System.Text.RegularExpressions;
using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// The booking functions run on generic plans (plan_cache_mode = force_generic_plan), so a plan that fits an
/// empty table, or that an analyzed table's statistics tempt the planner into, is what every call of a session
/// runs. These tests look at the plans the functions actually execute (auto_explain, nested statements, as
/// notices) on a hot property whose table is full of live holds and analyzed: no statement may read bookings
/// by bookings_live_by_check_out or by a sequential scan, which would cost every call the whole table.
/// </summary>
public sealed class HotPathPlanTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const int LiveHolds = 6000;
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task On_an_analyzed_hot_property_full_of_live_holds_booking_and_availability_never_read_every_live_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 100_000, ct);
        await SeedLiveHoldsAsync(hotel, ct);
        var d = Booking.Night(40);

        // Act
        var plans = await PlansOfAsync(
            """
            select count(*) from public.create_booking_with_atomic_lock(@hotel, 'plan-single', @d, @d + 2, 1, interval '15 minutes', 'pending', 'plan-single-key');
            select count(*) from public.create_bookings(array[@hotel, @hotel, @hotel]::uuid[], array['plan-a', 'plan-b', 'plan-c'],
                   array[@d, @d + 1, @d + 3]::date[], array[@d + 2, @d + 4, @d + 5]::date[], array[1, 1, 1], array['ka', 'kb', 'kc']);
            select count(*) from public.check_availability_many(array[@hotel]::uuid[], array[@d]::date[], array[@d + 3]::date[]);
            """, new() { ["hotel"] = hotel, ["d"] = d }, ct);

        // Assert
        Assert.NotEmpty(plans);
        // plan nodes only ("Index Scan using x", "Bitmap Index Scan on x"): the query texts name the indexes in comments
        Assert.Contains(plans, p => Regex.IsMatch(p, @"Scan (using|on) bookings_pending_by_accommodation\b"));
        var wholeTable = plans.Where(p => Regex.IsMatch(p, @"Scan (using|on) bookings_live_by_check_out\b|Seq Scan on bookings\b")).ToList();
        Assert.True(wholeTable.Count == 0, string.Join("\n----\n", wholeTable));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    /// <summary>
    /// A plan whose estimated cost passes jit_above_cost is JIT-compiled on every execution, cached or not: bench W4
    /// measured availability at 1M bookings at 19 ms a call until the API functions turned JIT off (0.13 ms).
    /// </summary>
    [Fact]
    public async Task Every_api_function_but_the_expiry_sweep_runs_without_jit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await _db.Admin.OpenConnectionAsync(ct);
        await using var query = new NpgsqlCommand(
            """
            select p.oid::regprocedure::text
              from pg_catalog.pg_proc p
             where p.pronamespace = 'public'::regnamespace
               and p.proowner = 'booking_owner'::regrole
               and p.proname <> 'expire_stale_holds'
               and not coalesce(p.proconfig @> array['jit=off'], false)
            """, connection);
        var withJit = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                withJit.Add(reader.GetString(0));
            }
        }

        Assert.Empty(withJit);
        Assert.True(await Inventory.CountAsync(_db.Admin,
            "select count(*) from pg_catalog.pg_proc where proname = 'create_bookings' and proconfig @> array['jit=off']", ct) > 0);
    }

    private async Task SeedLiveHoldsAsync(Guid hotel, CancellationToken ct)
    {
        await using var connection = await _db.Admin.OpenConnectionAsync(ct);
        await using (var seed = new NpgsqlCommand(
            """
            select count(*)
              from generate_series(1, @batches) as b
             cross join lateral public.create_bookings(
                   array_fill(@hotel::uuid, array[20]),
                   array(select 'seed-' || b || '-' || i from generate_series(1, 20) i),
                   array(select current_date + 1 + ((b * 20 + i) * 7919) % 360 from generate_series(1, 20) i),
                   array(select current_date + 2 + ((b * 20 + i) * 7919) % 360 + i % 5 from generate_series(1, 20) i),
                   array_fill(1, array[20]),
                   array(select 'seed-key-' || b || '-' || i from generate_series(1, 20) i)) r
             where r.error_code is null
            """, connection))
        {
            seed.Parameters.AddWithValue("batches", LiveHolds / 20);
            seed.Parameters.AddWithValue("hotel", hotel);
            seed.CommandTimeout = 300;
            Assert.Equal(LiveHolds, Convert.ToInt32(await seed.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture));
        }

        await using var analyze = new NpgsqlCommand("analyze booking.bookings; analyze booking.night_inventory", connection);
        await analyze.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The plan of every statement the calls ran, nested ones included, as auto_explain reports them.</summary>
    private async Task<List<string>> PlansOfAsync(string calls, Dictionary<string, object> args, CancellationToken ct)
    {
        var plans = new List<string>();
        // a new physical connection: no plan cached from before the table was filled and analyzed
        var builder = new NpgsqlConnectionStringBuilder(_db.Admin.ConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        connection.Notice += (_, e) =>
        {
            if (e.Notice.MessageText.Contains("plan:", StringComparison.Ordinal))
            {
                lock (plans)
                {
                    plans.Add(e.Notice.MessageText);
                }
            }
        };
        await using (var setup = new NpgsqlCommand(
            """
            load 'auto_explain';
            set auto_explain.log_min_duration = 0;
            set auto_explain.log_nested_statements = on;
            set auto_explain.log_level = notice;
            set client_min_messages = notice;
            """, connection))
        {
            await setup.ExecuteNonQueryAsync(ct);
        }

        await using var run = new NpgsqlCommand(calls, connection);
        foreach (var (name, value) in args)
        {
            run.Parameters.AddWithValue(name, value);
        }

        await using (var reader = await run.ExecuteReaderAsync(ct))
        {
            do
            {
                while (await reader.ReadAsync(ct))
                {
                    Assert.True(reader.GetInt64(0) > 0);
                }
            }
            while (await reader.NextResultAsync(ct));
        }

        return plans;
    }
}
