using Dapper;

namespace BookingFunctions.Web.Tests;

/// <summary>Reads booking.bookings directly (as the superuser), to prove what the pages did, not what they showed.</summary>
internal static class Bookings
{
    public static async Task<List<(Guid Id, string Status, string? Key)>> OfGuestAsync(TestDatabase database, string guest)
    {
        await using var connection = await database.Admin.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return (await connection.QueryAsync<(Guid, string, string?)>(new CommandDefinition(
            "select id, status::text, idempotency_key from booking.bookings where guest_id = @guest order by created_at",
            new { guest }, cancellationToken: TestContext.Current.CancellationToken))).ToList();
    }

    public static async Task<int> ActiveOnNightAsync(TestDatabase database, Guid accommodationId, DateOnly night)
    {
        await using var connection = await database.Admin.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            select count(*)::int from booking.bookings
             where accommodation_id = @accommodationId and check_in <= @night and check_out > @night
               and (status = 'confirmed' or (status = 'pending' and hold_expires_at > now()))
            """,
            new { accommodationId, night = night.ToDateTime(TimeOnly.MinValue) }, cancellationToken: TestContext.Current.CancellationToken));
    }
}
