namespace BookingFunctions.Inventory;

/// <summary>Npgsql reads timestamptz as a UTC DateTime and date as a midnight DateTime; the API shows offsets and plain dates.</summary>
internal static class Timestamps
{
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateOnly Date(DateTime value) => DateOnly.FromDateTime(value);
}
