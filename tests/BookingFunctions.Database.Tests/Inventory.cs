using Npgsql;

namespace BookingFunctions.Database.Tests;

/// <summary>Arranges accommodations and items as the operator (superuser) would, and reads the audit.</summary>
internal static class Inventory
{
    public static async Task<Guid> AddAccommodationAsync(NpgsqlDataSource admin, int? rooms, CancellationToken ct, int items = 0)
    {
        await using var cmd = admin.CreateCommand("insert into booking.accommodations (name, total_inventory) values ($1, $2) returning id");
        cmd.Parameters.AddWithValue($"Room type {Guid.NewGuid():N}");
        cmd.Parameters.AddWithValue((object?)rooms ?? DBNull.Value);
        var id = (Guid)(await cmd.ExecuteScalarAsync(ct))!;
        if (items > 0)
        {
            await using var add = admin.CreateCommand(
                "insert into booking.accommodation_items (accommodation_id, label) select $1, 'R' || lpad(i::text, 3, '0') from generate_series(1, $2) i");
            add.Parameters.AddWithValue(id);
            add.Parameters.AddWithValue(items);
            await add.ExecuteNonQueryAsync(ct);
        }

        return id;
    }

    public static async Task<IReadOnlyList<AuditRow>> AuditAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select issue, accommodation_id, night, item_id, booking_ids, booked, capacity, recorded from check_for_double_bookings()");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new AuditRow(
                reader.GetString(0), reader.GetGuid(1), reader.GetFieldValue<DateOnly>(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<Guid[]>(4),
                reader.GetInt32(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }

        return rows;
    }

    public static async Task<string> StatusAsync(NpgsqlDataSource admin, Guid booking, CancellationToken ct)
    {
        await using var cmd = admin.CreateCommand("select status::text from booking.bookings where id = $1");
        cmd.Parameters.AddWithValue(booking);
        return (string?)await cmd.ExecuteScalarAsync(ct) ?? "missing";
    }

    public static async Task<long> CountAsync(NpgsqlDataSource admin, string countSql, CancellationToken ct)
    {
        await using var cmd = admin.CreateCommand(countSql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
