using BookingFunctions.Testing;
using Dapper;

namespace BookingFunctions.Reliability.Tests;

/// <summary>Test data written as superuser: what an operator's back office would have set up.</summary>
internal static class Arrange
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>An accommodation with <paramref name="rooms"/> rooms (null = unlimited) and <paramref name="items"/> physical rooms.</summary>
    public static async Task<Guid> AccommodationAsync(TestDatabase db, int? rooms, int items, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            """
            with a as (insert into booking.accommodations (name, total_inventory) values (@Name, @Rooms) returning id),
                 i as (insert into booking.accommodation_items (accommodation_id, label)
                       select a.id, 'room ' || lpad(n::text, 3, '0') from a, generate_series(1, @Items) n)
            select id from a
            """, new { Name = $"reliability {Guid.NewGuid():N}", Rooms = rooms, Items = items }, cancellationToken: ct));
    }

    public static async Task<int> BookingsWithKeyAsync(TestDatabase db, string guest, string key, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.bookings where guest_id = @guest and idempotency_key = @key", new { guest, key }, cancellationToken: ct));
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Prints where a replay starts: in the test output and as a diagnostic message (shown by dotnet test).</summary>
    public static void Announce(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
    }
}
