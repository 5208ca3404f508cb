using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// The audit's cost must not grow with history it cannot find anything in: cancelled and expired bookings hold no
/// room, and the monitor's pass from a night on reads only the bookings that reach that night. Its findings stay
/// exact: the same rows the whole-history audit reports for those nights, nothing more.
/// </summary>
public sealed class AuditScopeTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const int History = 20_000;
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task The_audit_does_not_read_cancelled_or_expired_history()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct, items: 5);
        var night = Booking.Night(170);
        for (var i = 0; i < 5; i++)
        {
            await Booking.AssignItemAsync(_db.App, await Booking.CreateAsync(_db.App, hotel, $"live-{i}", night, night.AddDays(i + 1), ct), ct);
        }

        await ExecuteAsync(
            """
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status)
            select $1, 'history-' || g, current_date - 1000 + g % 900, current_date - 1000 + g % 900 + 1 + g % 5, 1,
                   (case when g % 2 = 0 then 'cancelled' else 'expired' end)::booking.booking_status
              from generate_series(1, $2) g
            """, ct, hotel, History);
        await ExecuteAsync("analyze booking.bookings", ct);

        // Act
        var (audit, read, active) = await AuditReadingAsync("select count(*) from check_for_double_bookings()",
            "select count(*) from booking.bookings where status in ('pending', 'confirmed')", ct);

        // Assert
        Assert.Equal(0L, audit);
        Assert.True(read < active + History / 10, $"the audit read {read} booking rows for {active} active ones beside {History} cancelled or expired");
    }

    [Fact]
    public async Task The_audit_from_a_night_on_does_not_read_bookings_that_ended_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var resort = await Inventory.AddAccommodationAsync(_db.Admin, rooms: null, ct);
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var night = Booking.Night(175);
        await Booking.CreateAsync(_db.App, hotel, "live", night, night.AddDays(2), ct);
        // years of confirmed stays that ended long ago (an unlimited resort keeps no night counters to match)
        await ExecuteAsync(
            """
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status)
            select $1, 'history-' || g, current_date - 1100 + g % 1000, current_date - 1100 + g % 1000 + 1 + g % 5, 1, 'confirmed'
              from generate_series(1, $2) g
            """, ct, resort, History);
        await ExecuteAsync("analyze booking.bookings", ct);

        // Act
        var (audit, read, current) = await AuditReadingAsync("select count(*) from check_for_double_bookings(current_date - 1)",
            "select count(*) from booking.bookings where status in ('pending', 'confirmed') and check_out > current_date - 1", ct);

        // Assert
        Assert.Equal(0L, audit);
        Assert.True(read < current + History / 10, $"the audit from yesterday read {read} booking rows for {current} current ones beside {History} past");
    }

    [Fact]
    public async Task The_audit_from_a_night_on_reports_exactly_the_whole_audits_findings_on_or_after_that_night()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct, items: 1);
        var past = Booking.Today.AddDays(-20);
        var future = Booking.Night(180);
        // as the operator, behind the functions' back: a past night sold twice, a future night sold twice (same
        // item, counters left as they were), and a stay across the cut that overlaps one before and one after it
        await ExecuteAsync("alter table booking.bookings drop constraint if exists bookings_item_not_shared", ct);
        await ExecuteAsync(
            """
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status, item_id)
            select $1, g, d, d + 1, 1, 'confirmed', (select id from booking.accommodation_items where accommodation_id = $1)
              from unnest(array['p1', 'p2', 'f1', 'f2']) with ordinality as x(g, n)
             cross join lateral (select case when n <= 2 then $2::date else $3::date end as d) s
            """, ct, hotel, past, future);
        await ExecuteAsync(
            """
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status)
            values ($1, 'across', current_date - 3, current_date + 3, 1, 'confirmed')
            """, ct, hotel);
        var cut = Booking.Today.AddDays(-1);

        // Act
        var whole = (await Inventory.AuditAsync(_db.Admin, ct)).Where(r => r.AccommodationId == hotel).ToList();
        var fromCut = (await AuditFromAsync(cut, ct)).Where(r => r.AccommodationId == hotel).ToList();

        // Assert
        Assert.Contains(whole, r => r.Night < cut);
        Assert.Contains(whole, r => r.Night >= cut);
        Assert.Equal(whole.Where(r => r.Night >= cut).Select(Key).Order(), fromCut.Select(Key).Order());
        Assert.Contains(fromCut, r => r.Issue == "oversold_night" && r.Night == future);
        Assert.Contains(fromCut, r => r.Issue == "item_double_assigned" && r.Night == future);
        Assert.DoesNotContain(fromCut, r => r.Night == past);
        await ExecuteAsync("delete from booking.bookings where accommodation_id = $1 and guest_id = any(array['p1', 'p2', 'f1', 'f2', 'across'])", ct, hotel);
        await RestoreExclusionAsync(ct);
    }

    [Fact]
    public async Task Item_overlaps_are_reported_pair_by_pair_however_many_stays_an_item_has_had()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: null, ct, items: 2);
        var start = Booking.Night(200);
        // item A: 300 back-to-back stays (touching, never overlapping), then x with y nested inside it and z overlapping
        // its end (y and z do not meet); item B: two stays starting the same night. Expected pairs: (x, y), (x, z),
        // (b1, b2); none among the back-to-back stays.
        await ExecuteAsync("alter table booking.bookings drop constraint if exists bookings_item_not_shared", ct);
        await ExecuteAsync(
            """
            with items as (select array_agg(id order by label) as ids from booking.accommodation_items where accommodation_id = $1)
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status, item_id)
            select $1, 'chain-' || g, $2::date + g, $2::date + g + 1, 1, 'confirmed'::booking.booking_status, (select ids[1] from items)
              from generate_series(0, 299) g
            union all
            select $1, v.guest, $2::date + v.f, $2::date + v.t, 1, 'confirmed'::booking.booking_status, (select ids[v.item] from items)
              from (values ('x', 310, 320, 1), ('y', 312, 314, 1), ('z', 319, 325, 1), ('b1', 330, 332, 2), ('b2', 330, 331, 2)) v(guest, f, t, item)
            """, ct, hotel, start);

        // Act
        var pairs = await GuestPairsAsync(hotel, ct);

        // Assert
        Assert.Equal(["b1+b2", "x+y", "x+z"], pairs);
        await ExecuteAsync("delete from booking.bookings where accommodation_id = $1", ct, hotel);
        await RestoreExclusionAsync(ct);
    }

    [Fact]
    public async Task The_composite_item_key_of_bookings_is_backed_by_an_index()
    {
        var ct = TestContext.Current.CancellationToken;

        // Act: the index a lookup of an item's bookings (deleting or re-keying an item) can use
        var indexed = await Inventory.CountAsync(_db.Admin,
            """
            select count(*)
              from pg_index i
             where i.indrelid = 'booking.bookings'::regclass
               and i.indkey[0] = (select attnum from pg_attribute where attrelid = i.indrelid and attname = 'accommodation_id')
               and i.indkey[1] = (select attnum from pg_attribute where attrelid = i.indrelid and attname = 'item_id')
            """, ct);

        // Assert
        Assert.Equal(1L, indexed);
    }

    private static string Key(AuditRow r) => $"{r.Issue} {r.AccommodationId} {r.Night:yyyy-MM-dd} {r.ItemId} {string.Join(',', r.BookingIds ?? [])} {r.Booked} {r.Capacity} {r.Recorded}";

    /// <summary>
    /// The audit's answer, how many rows of booking.bookings it read (table statistics), and the row count the caller
    /// expects it to read. All on one connection with no other session reading the table meanwhile: statistics a
    /// backend has not flushed yet (an idle pooled one flushes up to 10 s later) must not land inside the window, so
    /// the expected count is taken by this backend too, and its statistics flushed, before the window opens.
    /// </summary>
    private async Task<(long Answer, long Read, long Expected)> AuditReadingAsync(string auditSql, string expectedSql, CancellationToken ct)
    {
        await using var connection = _db.Admin.CreateConnection();
        await connection.OpenAsync(ct);
        await using var expected = new NpgsqlCommand(expectedSql, connection);
        var rows = Convert.ToInt64(await expected.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        var before = await TuplesReadAsync(connection, ct);
        await using var audit = new NpgsqlCommand(auditSql, connection);
        var answer = Convert.ToInt64(await audit.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return (answer, await TuplesReadAsync(connection, ct) - before, rows);
    }

    private static async Task<long> TuplesReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // flushed when the backend goes idle after this statement; the next one reads a fresh snapshot of the counters
        await using (var flush = new NpgsqlCommand("select pg_stat_force_next_flush()", connection))
        {
            await flush.ExecuteNonQueryAsync(ct);
        }

        await using var read = new NpgsqlCommand(
            """
            select pg_stat_clear_snapshot();
            select coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) from pg_stat_user_tables where relid = 'booking.bookings'::regclass;
            """, connection);
        await using var reader = await read.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetInt64(0);
    }

    private async Task<IReadOnlyList<AuditRow>> AuditFromAsync(DateOnly from, CancellationToken ct)
    {
        await using var cmd = _db.Admin.CreateCommand(
            "select issue, accommodation_id, night, item_id, booking_ids, booked, capacity, recorded from check_for_double_bookings($1)");
        cmd.Parameters.AddWithValue(from);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditRow(reader.GetString(0), reader.GetGuid(1), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<Guid[]>(4),
                reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }

        return rows;
    }

    private async Task<string[]> GuestPairsAsync(Guid accommodation, CancellationToken ct)
    {
        await using var cmd = _db.Admin.CreateCommand(
            """
            select string_agg(b.guest_id, '+' order by b.guest_id)
              from check_for_double_bookings() f
             cross join lateral unnest(f.booking_ids) as x(id)
              join booking.bookings b on b.id = x.id
             where f.issue = 'item_double_assigned' and f.accommodation_id = $1
             group by f.booking_ids
             order by 1
            """);
        cmd.Parameters.AddWithValue(accommodation);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var pairs = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            pairs.Add(reader.GetString(0));
        }

        return [.. pairs];
    }

    private async Task RestoreExclusionAsync(CancellationToken ct) => await ExecuteAsync(
        """
        alter table booking.bookings add constraint bookings_item_not_shared
          exclude using gist (item_id with =, stay with &&) where (item_id is not null and status in ('pending', 'confirmed'))
        """, ct);

    private async Task ExecuteAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = _db.Admin.CreateCommand(sql);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }
}
