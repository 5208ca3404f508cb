using System.Text.Json.Serialization;

namespace BookingFunctions.Inventory;

/// <summary>
/// Body of PATCH /api/accommodations/{id}, merge-patch style (RFC 7396): an absent member stays as it is;
/// <c>"capacity": null</c> makes the accommodation unlimited; null is no value for name, maxGuests or timeZone.
/// Presence is recorded by the setters, which the serializer calls only for members the body contains.
/// </summary>
public sealed class UpdateAccommodationRequest
{
    private readonly string? _name;
    private readonly int? _capacity;
    private readonly int? _maxGuests;
    private readonly string? _timeZone;

    public string? Name
    {
        get => _name;
        init
        {
            _name = value;
            NameGiven = true;
        }
    }

    /// <summary>Rooms on sale each night, 0 to 100000; null = unlimited. Lowering it below what a night from today holds is a 409.</summary>
    public int? Capacity
    {
        get => _capacity;
        init
        {
            _capacity = value;
            CapacityGiven = true;
        }
    }

    public int? MaxGuests
    {
        get => _maxGuests;
        init
        {
            _maxGuests = value;
            MaxGuestsGiven = true;
        }
    }

    public string? TimeZone
    {
        get => _timeZone;
        init
        {
            _timeZone = value;
            TimeZoneGiven = true;
        }
    }

    [JsonIgnore]
    internal bool NameGiven { get; private init; }

    [JsonIgnore]
    internal bool CapacityGiven { get; private init; }

    [JsonIgnore]
    internal bool MaxGuestsGiven { get; private init; }

    [JsonIgnore]
    internal bool TimeZoneGiven { get; private init; }

    /// <summary>The members present, for the change log.</summary>
    internal IEnumerable<string> GivenFields()
    {
        if (NameGiven)
        {
            yield return "name";
        }

        if (CapacityGiven)
        {
            yield return "capacity";
        }

        if (MaxGuestsGiven)
        {
            yield return "maxGuests";
        }

        if (TimeZoneGiven)
        {
            yield return "timeZone";
        }
    }

    internal Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (NameGiven)
        {
            AccommodationRules.CheckName(Name, errors, required: true);
        }

        if (CapacityGiven)
        {
            AccommodationRules.CheckCapacity(Capacity, errors);
        }

        if (MaxGuestsGiven)
        {
            AccommodationRules.CheckMaxGuests(MaxGuests, errors, required: true);
        }

        if (TimeZoneGiven)
        {
            AccommodationRules.CheckTimeZone(TimeZone, errors, required: true);
        }

        return errors;
    }
}
