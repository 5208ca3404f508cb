using System.Text.Json.Serialization;

namespace BookingFunctions.Inventory;

/// <summary>
/// Body of POST /api/accommodations. Every member is required; capacity must be given even to say "unlimited"
/// (<c>"capacity": null</c>), so a forgotten field can never put a room type on sale without a limit.
/// </summary>
public sealed class CreateAccommodationRequest
{
    private readonly int? _capacity;

    /// <summary>1 to 200 characters.</summary>
    public string? Name { get; init; }

    /// <summary>Rooms of this type on sale each night, 0 to 100000; null = unlimited.</summary>
    public int? Capacity
    {
        get => _capacity;
        init
        {
            _capacity = value;
            CapacityGiven = true;
        }
    }

    /// <summary>Most guests one room sleeps, 1 to 50.</summary>
    public int? MaxGuests { get; init; }

    /// <summary>IANA time zone of the property (e.g. Europe/Lisbon): "today" and "in the past" are judged there.</summary>
    public string? TimeZone { get; init; }

    [JsonIgnore]
    internal bool CapacityGiven { get; private init; }

    internal Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        AccommodationRules.CheckName(Name, errors, required: true);
        if (!CapacityGiven)
        {
            errors["capacity"] = ["capacity is required: a number of rooms, or null for unlimited."];
        }
        else
        {
            AccommodationRules.CheckCapacity(Capacity, errors);
        }

        AccommodationRules.CheckMaxGuests(MaxGuests, errors, required: true);
        AccommodationRules.CheckTimeZone(TimeZone, errors, required: true);
        return errors;
    }
}
