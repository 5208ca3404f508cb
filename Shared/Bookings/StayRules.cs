using System.Globalization;

namespace BookingFunctions.Bookings;

/// <summary>
/// The request checks that need no database: the same limits the database enforces (so a bad request never
/// costs a connection), reported per field.
/// </summary>
public static class StayRules
{
    public const int MaxNights = 365;
    public const int MinGuests = 1;
    public const int MaxGuests = 50;

    /// <summary>
    /// A coarse bound only: the database judges "in the past" and "too far ahead" on the accommodation's calendar (its
    /// time zone, UTC-12 to UTC+14), so here an arrival is refused only when it is so on every calendar — before
    /// yesterday (UTC), or more than <see cref="MaxDaysAhead"/> days after tomorrow (UTC).
    /// </summary>
    public const int ArrivalGraceDays = 1;

    public const int MaxDaysAhead = 730;

    public const int MaxIdempotencyKeyLength = 200;

    public static DateOnly? ParseDate(string? value, string field, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{field} is required (yyyy-MM-dd)."];
            return null;
        }

        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors[field] = [$"{field} must be an ISO-8601 date (yyyy-MM-dd)."];
            return null;
        }

        return date;
    }

    /// <summary>Order and length of the stay; with <paramref name="today"/>, also the bookable window.</summary>
    /// <param name="prefix">Put before the field names in <paramref name="errors"/>: "rooms[2]." for a room of a group.</param>
    public static void CheckStay(DateOnly? checkIn, DateOnly? checkOut, DateOnly? today, Dictionary<string, string[]> errors, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (checkIn is not { } from || checkOut is not { } to)
        {
            return;
        }

        if (to <= from)
        {
            errors[prefix + "checkOut"] = ["checkOut must be after checkIn."];
        }
        else if (to.DayNumber - from.DayNumber > MaxNights)
        {
            errors[prefix + "checkOut"] = [$"A stay can be at most {MaxNights} nights."];
        }

        if (today is { } t)
        {
            if (from < t.AddDays(-ArrivalGraceDays))
            {
                errors[prefix + "checkIn"] = ["checkIn is in the past."];
            }
            else if (from > t.AddDays(MaxDaysAhead + ArrivalGraceDays))
            {
                errors[prefix + "checkIn"] = [$"checkIn can be at most {MaxDaysAhead} days ahead."];
            }
        }
    }

    public static void CheckGuests(int guests, Dictionary<string, string[]> errors, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (guests is < MinGuests or > MaxGuests)
        {
            errors[prefix + "guests"] = [$"guests must be between {MinGuests} and {MaxGuests}."];
        }
    }

    /// <summary>Printable ASCII, 1–200 characters: what a UUID or any client-made token fits in.</summary>
    public static bool IsValidIdempotencyKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= '!' and <= '~');
}
