using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// 'infinity' and '-infinity' are valid PostgreSQL dates, so an RPC caller can send them. Every function that takes
/// a stay must refuse them as an invalid stay (BK003), never with the arithmetic error of a night count computed
/// before the validation (22008 "cannot subtract infinite dates").
/// </summary>
public sealed class InfiniteDateTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    public static TheoryData<string, string> Stays() => new()
    {
        { "today+30", "infinity" },
        { "today+30", "-infinity" },
        { "infinity", "today+30" },
        { "-infinity", "today+30" },
        { "-infinity", "infinity" },
        { "infinity", "infinity" },
    };

    /// <summary>The date as an RPC client sends it: text that PostgreSQL reads as a date.</summary>
    private static string Date(string text) =>
        text.StartsWith("today+", StringComparison.Ordinal)
            ? Booking.Today.AddDays(int.Parse(text[6..], System.Globalization.CultureInfo.InvariantCulture)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
            : text;

    /// <summary>
    /// The SQLSTATE one call answers with: the error it raises, or for the batch forms the error_code of its row
    /// (sql selects that column). $1 is the accommodation, $2 and $3 the stay as text (cast to date in the SQL, as
    /// PostgREST does with JSON arguments); the SQL is a fixed string per function.
    /// </summary>
    private async Task<string?> SqlStateAsync(string sql, bool batchForm, Guid accommodation, string checkIn, string checkOut, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand(sql);
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(Date(checkIn));
        cmd.Parameters.AddWithValue(Date(checkOut));
        string? rowError = null;
        var raised = await Booking.SqlStateOf(async () =>
        {
            var answer = await cmd.ExecuteScalarAsync(ct);
            rowError = batchForm ? answer as string : null;
        });
        return raised ?? rowError;
    }

    [Theory]
    [MemberData(nameof(Stays))]
    public async Task An_infinite_check_in_or_check_out_is_an_invalid_stay_for_every_function_that_takes_dates(string checkIn, string checkOut)
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        (string Name, string Sql, bool BatchForm)[] calls =
        [
            ("create_booking_with_atomic_lock", "select create_booking_with_atomic_lock($1, 'guest-inf', $2::date, $3::date)", false),
            ("create_booking_with_atomic_lock, keyed",
                "select create_booking_with_atomic_lock($1, 'guest-inf', $2::date, $3::date, 1, interval '15 minutes', 'pending', 'key-inf')", false),
            ("create_booking_returning", "select id from create_booking_returning($1, 'guest-inf', $2::date, $3::date)", false),
            ("create_bookings", "select error_code from create_bookings(array[$1], array['guest-inf'], array[$2::date], array[$3::date], array[1], array[null::text])", true),
            ("check_availability_with_lock", "select check_availability_with_lock($1, $2::date, $3::date)", false),
            ("check_availability_many", "select error_code from check_availability_many(array[$1], array[$2::date], array[$3::date])", true),
        ];

        // Act
        var states = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, sql, batchForm) in calls)
        {
            states[name] = await SqlStateAsync(sql, batchForm, hotel, checkIn, checkOut, ct);
        }

        // Assert
        Assert.All(states, s => Assert.True(s.Value == SqlState.InvalidStay, $"{s.Key}: {s.Value ?? "accepted"}"));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct));
    }
}
