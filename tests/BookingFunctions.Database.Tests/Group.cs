using Npgsql;
using NpgsqlTypes;

namespace BookingFunctions.Database.Tests;

/// <summary>One room of a group request.</summary>
internal sealed record GroupRoom(Guid AccommodationId, DateOnly CheckIn, DateOnly CheckOut, int Guests = 1);

/// <summary>A booking of a group as the group functions answer it.</summary>
internal sealed record GroupBooking(Guid GroupId, Guid Id, Guid AccommodationId, string Status, bool Flag);

/// <summary>The group functions called as an RPC client would.</summary>
internal static class Group
{
    public static async Task<IReadOnlyList<GroupBooking>> CreateAsync(NpgsqlDataSource db, string guest, IReadOnlyList<GroupRoom> rooms,
        CancellationToken ct, string? idempotencyKey = null, TimeSpan? holdTtl = null)
    {
        await using var cmd = db.CreateCommand(
            "select group_id, id, accommodation_id, status, replayed from create_booking_group($1, $2, $3, $4, $5, $6, $7)");
        cmd.Parameters.AddWithValue(guest);
        cmd.Parameters.AddWithValue(rooms.Select(r => r.AccommodationId).ToArray());
        cmd.Parameters.AddWithValue(rooms.Select(r => r.CheckIn).ToArray());
        cmd.Parameters.AddWithValue(rooms.Select(r => r.CheckOut).ToArray());
        cmd.Parameters.AddWithValue(rooms.Select(r => r.Guests).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)idempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(holdTtl ?? TimeSpan.FromMinutes(15));
        return await ReadAsync(cmd, ct);
    }

    /// <summary>confirm_booking_group: Flag = confirmed late.</summary>
    public static Task<IReadOnlyList<GroupBooking>> ConfirmAsync(NpgsqlDataSource db, Guid group, CancellationToken ct, string? guest = null) =>
        CallAsync(db, "select group_id, id, accommodation_id, status, late from confirm_booking_group($1, $2)", group, guest, ct);

    public static Task<IReadOnlyList<GroupBooking>> CancelAsync(NpgsqlDataSource db, Guid group, CancellationToken ct, string? guest = null) =>
        CallAsync(db, "select group_id, id, accommodation_id, status, false from cancel_booking_group($1, $2)", group, guest, ct);

    public static Task<IReadOnlyList<GroupBooking>> GetAsync(NpgsqlDataSource db, Guid group, CancellationToken ct, string? guest = null) =>
        CallAsync(db, "select group_id, id, accommodation_id, status, false from get_booking_group($1, $2)", group, guest, ct);

    private static async Task<IReadOnlyList<GroupBooking>> CallAsync(NpgsqlDataSource db, string sql, Guid group, string? guest, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(group);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)guest ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return await ReadAsync(cmd, ct);
    }

    private static async Task<IReadOnlyList<GroupBooking>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<GroupBooking>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new GroupBooking(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetBoolean(4)));
        }

        return rows;
    }
}
