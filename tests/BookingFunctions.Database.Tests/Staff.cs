using Npgsql;
using NpgsqlTypes;

namespace BookingFunctions.Database.Tests;

/// <summary>The staff functions called as the HTTP layer calls them: as the application role, actor = token subject.</summary>
internal static class Staff
{
    public const string Actor = "staff-test";

    public static async Task<Guid> CreateAccommodationAsync(NpgsqlDataSource db, int? capacity, CancellationToken ct,
        int maxGuests = 4, string timeZone = "UTC", int rooms = 0)
    {
        await using var cmd = db.CreateCommand("select id from create_accommodation($1, $2, $3, $4, $5)");
        cmd.Parameters.AddWithValue($"Room type {Guid.NewGuid():N}");
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)capacity ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.AddWithValue(maxGuests);
        cmd.Parameters.AddWithValue(timeZone);
        cmd.Parameters.AddWithValue(Actor);
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        for (var i = 1; i <= rooms; i++)
        {
            await AddRoomAsync(db, id, $"R{i:000}", ct);
        }

        return id;
    }

    public static async Task<Guid> AddRoomAsync(NpgsqlDataSource db, Guid accommodation, string label, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id from add_accommodation_item($1, $2, $3)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(label);
        cmd.Parameters.AddWithValue(Actor);
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<Guid[]> RoomsAsync(NpgsqlDataSource db, Guid accommodation, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id from list_accommodation_items($1)");
        cmd.Parameters.AddWithValue(accommodation);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rooms = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            rooms.Add(reader.GetGuid(0));
        }

        return [.. rooms];
    }

    /// <summary>Retires a room from a night on (null: back in service); returns the moves as JSON.</summary>
    public static async Task<string> RetireRoomAsync(NpgsqlDataSource db, Guid accommodation, Guid room, DateOnly? from, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select moved::text from set_item_retirement($1, $2, $3, $4)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(room);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)from ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.AddWithValue(Actor);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task SetCapacityAsync(NpgsqlDataSource db, Guid accommodation, int? capacity, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id from update_accommodation($1, p_set_capacity => true, p_capacity => $2, p_actor => $3)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)capacity ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        cmd.Parameters.AddWithValue(Actor);
        await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>Closes [from, to); returns the closure id and the existing bookings on those nights (JSON).</summary>
    public static async Task<(Guid Id, string Bookings)> CloseAsync(NpgsqlDataSource db, Guid accommodation, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id, bookings::text from add_closure($1, $2, $3, 'renovation', $4)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.AddWithValue(Actor);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetGuid(0), reader.GetString(1));
    }

    public static async Task ReopenAsync(NpgsqlDataSource db, Guid accommodation, Guid closure, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id from remove_closure($1, $2, $3)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(closure);
        cmd.Parameters.AddWithValue(Actor);
        await cmd.ExecuteScalarAsync(ct);
    }

    public static async Task<IReadOnlyList<CalendarNight>> CalendarAsync(NpgsqlDataSource db, Guid accommodation, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select night, capacity, booked, available, closed from accommodation_calendar($1, $2, $3)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var nights = new List<CalendarNight>();
        while (await reader.ReadAsync(ct))
        {
            nights.Add(new CalendarNight(reader.GetFieldValue<DateOnly>(0), reader.IsDBNull(1) ? null : reader.GetInt32(1),
                reader.GetInt32(2), reader.GetInt32(3), reader.GetBoolean(4)));
        }

        return nights;
    }

    /// <summary>The accommodations search finds, with their free rooms.</summary>
    public static async Task<Dictionary<Guid, int>> SearchAsync(NpgsqlDataSource db, DateOnly checkIn, DateOnly checkOut, int guests,
        Guid[] among, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id, available from search_availability($1, $2, $3, $4)");
        cmd.Parameters.AddWithValue(checkIn);
        cmd.Parameters.AddWithValue(checkOut);
        cmd.Parameters.AddWithValue(guests);
        cmd.Parameters.AddWithValue(among);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var found = new Dictionary<Guid, int>();
        while (await reader.ReadAsync(ct))
        {
            found[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return found;
    }

    /// <summary>The accommodation's calendar date now, as the database judges it.</summary>
    public static async Task<DateOnly> PropertyTodayAsync(NpgsqlDataSource admin, Guid accommodation, CancellationToken ct)
    {
        await using var cmd = admin.CreateCommand("select (now() at time zone time_zone)::date from booking.accommodations where id = $1");
        cmd.Parameters.AddWithValue(accommodation);
        return (DateOnly)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

internal sealed record CalendarNight(DateOnly Night, int? Capacity, int Booked, int Available, bool Closed);
