using BookingFunctions.Bookings;

namespace BookingFunctions.Inventory;

/// <summary>Body of POST /api/accommodations/{id}/closures: the nights [from, to) close to new bookings, for a reason staff read later.</summary>
public sealed record AddClosureRequest(string? From, string? To, string? Reason)
{
    public const int MaxReasonLength = 500;

    /// <summary>A closure ends at most this many days after the property's today (the database's limit).</summary>
    public const int MaxNights = 731;

    internal Dictionary<string, string[]> Validate(out DateOnly from, out DateOnly to)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var first = StayRules.ParseDate(From, "from", errors);
        var end = StayRules.ParseDate(To, "to", errors);
        if (first is { } f && end is { } t)
        {
            if (t <= f)
            {
                errors["to"] = ["to must be after from (the nights are from, from + 1, … to − 1)."];
            }
            else if (t.DayNumber - f.DayNumber > MaxNights)
            {
                errors["to"] = [$"A closure covers at most {MaxNights} nights."];
            }
        }

        if (string.IsNullOrWhiteSpace(Reason) || Reason.Length > MaxReasonLength)
        {
            errors["reason"] = [$"reason must have 1 to {MaxReasonLength} characters."];
        }

        from = first ?? default;
        to = end ?? default;
        return errors;
    }
}
