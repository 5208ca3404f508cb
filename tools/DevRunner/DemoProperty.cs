using Npgsql;

namespace BookingFunctions.DevRunner;

/// <summary>
/// The room types of sql/seed/demo_property.sql. The seed creates them through create_accommodation, which chooses
/// the ids, so they are found by name (the seed's names); the banner prints them.
/// </summary>
internal sealed record DemoProperty(Guid HarbourViewDouble, Guid GardenSingle, Guid SeaDormBed)
{
    public const string HarbourViewDoubleName = "Harbour View Double";
    public const string GardenSingleName = "Garden Single";
    public const string SeaDormBedName = "Sea Dorm Bed (unlimited)";

    public static async Task<DemoProperty> LoadAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "select name, id from booking.accommodations where name = any($1) order by created_at, id");
        command.Parameters.AddWithValue(new[] { HarbourViewDoubleName, GardenSingleName, SeaDormBedName });
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.TryAdd(reader.GetString(0), reader.GetGuid(1));
            }
        }

        return new DemoProperty(Id(ids, HarbourViewDoubleName), Id(ids, GardenSingleName), Id(ids, SeaDormBedName));
    }

    private static Guid Id(Dictionary<string, Guid> ids, string name) =>
        ids.TryGetValue(name, out var id) ? id : throw new DevRunnerException($"The demo room type '{name}' is missing after loading the seed.");
}
