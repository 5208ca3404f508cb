using Npgsql;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// The invariants recomputed by the test itself from the tables (not through the audit function): active bookings
/// per night against the night's capacity and the rooms in service, rooms shared by overlapping stays, rooms used
/// while out of service.
/// </summary>
internal static class Recount
{
    public static Task<long> NightsOverLimitAsync(NpgsqlDataSource admin, Guid accommodation, CancellationToken ct) =>
        Inventory.CountAsync(admin,
            $"""
            with active as (
              select b.check_in, b.check_out from booking.bookings b
               where b.accommodation_id = '{accommodation}'
                 and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > now()))
            ), per_night as (
              select a.check_in + g as night, count(*) as booked
                from active a cross join lateral generate_series(0, a.check_out - a.check_in - 1) g
               group by 1
            ), limits as (
              select p.night, p.booked, coalesce(n.capacity, acc.total_inventory) as capacity,
                     case when exists (select 1 from booking.accommodation_items i where i.accommodation_id = acc.id)
                          then (select count(*) from booking.accommodation_items i
                                 where i.accommodation_id = acc.id and i.active
                                   and (i.retired_from is null or p.night < i.retired_from)) end as rooms
                from per_night p
                join booking.accommodations acc on acc.id = '{accommodation}'
                left join booking.night_inventory n on n.accommodation_id = acc.id and n.night = p.night
            )
            select count(*) from limits where booked > capacity or booked > rooms
            """, ct);

    public static Task<long> RoomConflictsAsync(NpgsqlDataSource admin, Guid accommodation, CancellationToken ct) =>
        Inventory.CountAsync(admin,
            $"""
            with active as (
              select b.id, b.stay, b.check_out, b.item_id from booking.bookings b
               where b.accommodation_id = '{accommodation}' and b.item_id is not null
                 and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > now()))
            )
            select (select count(*) from active x join active y on x.item_id = y.item_id and x.id < y.id and x.stay && y.stay)
                 + (select count(*) from active a join booking.accommodation_items i on i.id = a.item_id
                     where not i.active or (i.retired_from is not null and i.retired_from < a.check_out))
            """, ct);

    /// <summary>Active bookings of the accommodation: id, check-in, room.</summary>
    public static async Task<List<(Guid Id, DateOnly CheckIn, Guid? Room)>> ActiveAsync(NpgsqlDataSource admin, Guid accommodation, CancellationToken ct)
    {
        await using var cmd = admin.CreateCommand(
            """
            select b.id, b.check_in, b.item_id from booking.bookings b
             where b.accommodation_id = $1 and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > now()))
             order by b.id
            """);
        cmd.Parameters.AddWithValue(accommodation);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<(Guid, DateOnly, Guid?)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.IsDBNull(2) ? null : reader.GetGuid(2)));
        }

        return rows;
    }
}
