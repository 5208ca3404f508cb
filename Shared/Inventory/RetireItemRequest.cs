using System.Text.Json.Serialization;
using BookingFunctions.Bookings;

namespace BookingFunctions.Inventory;

/// <summary>
/// Body of PATCH /api/accommodations/{id}/items/{itemId}: <c>{"retiredFrom": "2026-12-24"}</c> takes the room out of
/// service from that night on; <c>{"retiredFrom": null}</c> returns it to service. The member is required.
/// </summary>
public sealed class RetireItemRequest
{
    private readonly string? _retiredFrom;

    public string? RetiredFrom
    {
        get => _retiredFrom;
        init
        {
            _retiredFrom = value;
            RetiredFromGiven = true;
        }
    }

    [JsonIgnore]
    internal bool RetiredFromGiven { get; private init; }

    internal Dictionary<string, string[]> Validate(out DateOnly? retiredFrom)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        retiredFrom = null;
        if (!RetiredFromGiven)
        {
            errors["retiredFrom"] = ["retiredFrom is required: the first night out of service (yyyy-MM-dd), or null to return the room to service."];
        }
        else if (RetiredFrom is not null)
        {
            retiredFrom = StayRules.ParseDate(RetiredFrom, "retiredFrom", errors);
        }

        return errors;
    }
}
