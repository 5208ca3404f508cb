using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class LeastPrivilegeTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Theory]
    [InlineData("insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status) values (gen_random_uuid(), 'x', current_date, current_date + 1, 1, 'confirmed')")]
    [InlineData("update booking.bookings set status = 'cancelled'")]
    [InlineData("delete from booking.bookings")]
    [InlineData("select count(*) from booking.bookings")]
    [InlineData("update booking.night_inventory set reserved = 0")]
    [InlineData("insert into booking.accommodations (name, total_inventory) values ('x', 1)")]
    [InlineData("delete from booking.booking_events")]
    [InlineData("select booking.release_bookings(array[gen_random_uuid()], 'cancelled')")]
    [InlineData("select booking.lock_nights(gen_random_uuid(), current_date, current_date + 1)")]
    [InlineData("create table public.sneaky (id int)")]
    public async Task The_application_role_cannot_touch_tables_or_internal_helpers(string sql)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cmd = _db.App.CreateCommand(sql);

        // Act
        var state = await Booking.SqlStateOf(() => cmd.ExecuteNonQueryAsync(ct));

        // Assert
        Assert.Equal(SqlState.InsufficientPrivilege, state);
    }

    [Fact]
    public async Task A_temp_table_named_like_ours_cannot_hijack_a_definer_function()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(90);
        await using var connection = await _db.App.OpenConnectionAsync(ct);
        await using (var shadow = new NpgsqlCommand(
            """
            create temp table accommodations (id uuid, total_inventory int);
            create temp table night_inventory (accommodation_id uuid, night date, reserved int);
            set search_path = pg_temp, public;
            """, connection))
        {
            await shadow.ExecuteNonQueryAsync(ct);
        }

        // Act
        await using var book = new NpgsqlCommand("select public.create_booking_with_atomic_lock($1, 'g', $2, $3)", connection);
        book.Parameters.AddWithValue(hotel);
        book.Parameters.AddWithValue(night);
        book.Parameters.AddWithValue(night.AddDays(1));
        await book.ExecuteScalarAsync(ct);
        var second = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "h", night, night.AddDays(1), ct));

        // Assert: the real tables were used, so the single room is now taken
        Assert.Equal(SqlState.FullyBooked, second);
    }

    [Fact]
    public async Task The_application_role_can_execute_the_public_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct, items: 1);
        var night = Booking.Night(91);

        // Act
        var booking = await Booking.CreateAsync(_db.App, hotel, "g", night, night.AddDays(1), ct);
        var item = await Booking.AssignItemAsync(_db.App, booking, ct);
        var confirmed = await Booking.LifecycleAsync(_db.App, "confirm", booking, ct);

        // Assert
        Assert.NotEqual(Guid.Empty, item);
        Assert.Equal("confirmed", confirmed);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }
}
