using BookingFunctions.Testing;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class AuditTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task The_audit_is_empty_for_valid_bookings_at_full_capacity()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct, items: 3);
        var day1 = Booking.Night(100);
        var stays = new[] { (0, 3), (0, 1), (1, 3), (0, 2), (2, 3) };
        foreach (var (from, to) in stays)
        {
            var id = await Booking.CreateAsync(_db.App, hotel, $"g{from}{to}", day1.AddDays(from), day1.AddDays(to), ct);
            await Booking.AssignItemAsync(_db.App, id, ct);
        }

        // Act
        var audit = await Inventory.AuditAsync(_db.App, ct);

        // Assert
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, day1, day1.AddDays(3), ct));
        Assert.Empty(audit);
    }

    [Fact]
    public async Task The_audit_reports_exactly_the_rows_corrupted_behind_the_functions_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct, items: 2);
        var day1 = Booking.Night(110);
        var legit = await Booking.CreateAsync(_db.App, hotel, "legit", day1, day1.AddDays(2), ct, status: "confirmed");
        var item = await Booking.AssignItemAsync(_db.App, legit, ct);

        // Act: as superuser, sneak in a second confirmed booking on night 2 with the same item, past the
        // exclusion constraint and the counters
        await using (var dropConstraint = _db.Admin.CreateCommand("alter table booking.bookings drop constraint bookings_item_not_shared"))
        {
            await dropConstraint.ExecuteNonQueryAsync(ct);
        }

        await using (var corrupt = _db.Admin.CreateCommand(
            """
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status, item_id)
            values ($1, 'sneaky', $2, $3, 1, 'confirmed', $4) returning id;
            """))
        {
            corrupt.Parameters.AddWithValue(hotel);
            corrupt.Parameters.AddWithValue(day1.AddDays(1));
            corrupt.Parameters.AddWithValue(day1.AddDays(2));
            corrupt.Parameters.AddWithValue(item);
            var sneaky = (Guid)(await corrupt.ExecuteScalarAsync(ct))!;
            var audit = await Inventory.AuditAsync(_db.App, ct);

            // Assert
            var ids = new[] { legit, sneaky }.Order().ToArray();
            Assert.Collection(audit,
                row =>
                {
                    Assert.Equal(("counter_drift", day1.AddDays(1), 2, (int?)1), (row.Issue, row.Night, row.Booked, row.Recorded));
                },
                row =>
                {
                    Assert.Equal(("item_double_assigned", day1.AddDays(1), item), (row.Issue, row.Night, row.ItemId!.Value));
                    Assert.Equal(ids, row.BookingIds);
                },
                row =>
                {
                    Assert.Equal(("oversold_night", day1.AddDays(1), 2, (int?)1), (row.Issue, row.Night, row.Booked, row.Capacity));
                    Assert.Equal(ids, row.BookingIds);
                });

            // the repaired state is healthy again
            await using (var delete = _db.Admin.CreateCommand("delete from booking.bookings where id = $1"))
            {
                delete.Parameters.AddWithValue(sneaky);
                await delete.ExecuteNonQueryAsync(ct);
            }

            await using var repair = _db.Admin.CreateCommand(
                """
                alter table booking.bookings add constraint bookings_item_not_shared
                  exclude using gist (item_id with =, stay with &&) where (item_id is not null and status in ('pending', 'confirmed'));
                """);
            await repair.ExecuteNonQueryAsync(ct);
            Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
        }
    }
}
