using System.Text.Json;
using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingFunctions.Inventory;

/// <summary>
/// Calls the inventory functions of the database (202611300503_inventory_api.sql), one method each. Every decision —
/// locks, conflicts with bookings, moves of rooms — is made there; this class passes arguments and shapes rows.
/// <c>actor</c> is the staff token's subject, written into the inventory events. The calendar and the search read from
/// <paramref name="reads"/> (a hot standby when configured, like availability); everything else on the primary.
/// </summary>
public sealed class InventoryStore(DatabaseCalls database, [FromKeyedServices(BookingDataSource.ReadsKey)] DatabaseCalls reads)
{
    private static readonly string GetSql = EmbeddedSql.Read("sql/queries/get_accommodation.sql");
    private static readonly string ListSql = EmbeddedSql.Read("sql/queries/list_accommodations.sql");
    private static readonly string CreateSql = EmbeddedSql.Read("sql/queries/create_accommodation.sql");
    private static readonly string UpdateSql = EmbeddedSql.Read("sql/queries/update_accommodation.sql");
    private static readonly string ItemsSql = EmbeddedSql.Read("sql/queries/list_items.sql");
    private static readonly string AddItemSql = EmbeddedSql.Read("sql/queries/add_item.sql");
    private static readonly string RetireSql = EmbeddedSql.Read("sql/queries/set_item_retirement.sql");
    private static readonly string ClosuresSql = EmbeddedSql.Read("sql/queries/list_closures.sql");
    private static readonly string AddClosureSql = EmbeddedSql.Read("sql/queries/add_closure.sql");
    private static readonly string RemoveClosureSql = EmbeddedSql.Read("sql/queries/remove_closure.sql");
    private static readonly string CalendarSql = EmbeddedSql.Read("sql/queries/accommodation_calendar.sql");
    private static readonly string NightBookingsSql = EmbeddedSql.Read("sql/queries/night_bookings.sql");
    private static readonly string SearchSql = EmbeddedSql.Read("sql/queries/search_availability.sql");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The accommodation, or null when it does not exist.</summary>
    internal Task<AccommodationRow?> GetAsync(Guid accommodationId, CancellationToken ct) =>
        database.RunAsync(DatabaseFunctions.GetAccommodation, (c, token) => c.QuerySingleOrDefaultAsync<AccommodationRow>(
            new CommandDefinition(GetSql, new { AccommodationId = accommodationId }, cancellationToken: token)), ct);

    /// <summary>Up to <paramref name="limit"/> accommodations by (name, id), after <paramref name="after"/> when given.</summary>
    internal Task<List<AccommodationRow>> ListAsync(int limit, (string Name, Guid Id)? after, CancellationToken ct) =>
        database.RunAsync(DatabaseFunctions.ListAccommodations, async (c, token) => (await c.QueryAsync<AccommodationRow>(new CommandDefinition(ListSql,
            new { Limit = limit, AfterName = after?.Name, AfterId = after?.Id }, cancellationToken: token))).ToList(), ct);

    internal Task<AccommodationRow> CreateAsync(string name, int? capacity, int maxGuests, string timeZone, string actor, CancellationToken ct) =>
        database.RunAsync(DatabaseFunctions.CreateAccommodation, (c, token) => c.QuerySingleAsync<AccommodationRow>(new CommandDefinition(CreateSql,
            new { Name = name, Capacity = capacity, MaxGuests = maxGuests, TimeZone = timeZone, Actor = actor }, cancellationToken: token)), ct);

    internal Task<AccommodationRow> UpdateAsync(Guid accommodationId, UpdateAccommodationRequest patch, string actor, CancellationToken ct) =>
        database.RunAsync(DatabaseFunctions.UpdateAccommodation, (c, token) => c.QuerySingleAsync<AccommodationRow>(new CommandDefinition(UpdateSql, new
        {
            AccommodationId = accommodationId,
            patch.Name,
            SetCapacity = patch.CapacityGiven,
            patch.Capacity,
            patch.MaxGuests,
            patch.TimeZone,
            Actor = actor,
        }, cancellationToken: token)), ct);

    /// <summary>The rooms by label, or null when the accommodation does not exist.</summary>
    internal async Task<List<ItemResponse>?> ItemsAsync(Guid accommodationId, CancellationToken ct)
    {
        var rows = await database.RunAsync(DatabaseFunctions.ListAccommodationItems, async (c, token) => (await c.QueryAsync<ItemRow>(new CommandDefinition(ItemsSql,
            new { AccommodationId = accommodationId }, cancellationToken: token))).ToList(), ct);
        return rows is [{ AccommodationExists: false }]
            ? null
            : rows.Where(r => r.Id is not null).Select(r => ItemResponse.From(accommodationId, r)).ToList();
    }

    internal async Task<ItemResponse> AddItemAsync(Guid accommodationId, string label, string actor, CancellationToken ct) =>
        ItemResponse.From(accommodationId, await database.RunAsync(DatabaseFunctions.AddAccommodationItem, (c, token) => c.QuerySingleAsync<ItemRow>(new CommandDefinition(AddItemSql,
            new { AccommodationId = accommodationId, Label = label, Actor = actor }, cancellationToken: token)), ct));

    internal async Task<ItemRetirementResponse> SetRetirementAsync(Guid accommodationId, Guid itemId, DateOnly? retiredFrom, string actor,
        CancellationToken ct)
    {
        var row = await database.RunAsync(DatabaseFunctions.SetItemRetirement, (c, token) => c.QuerySingleAsync<ItemRow>(new CommandDefinition(RetireSql,
            new { AccommodationId = accommodationId, ItemId = itemId, RetiredFrom = retiredFrom, Actor = actor }, cancellationToken: token)), ct);
        var item = ItemResponse.From(accommodationId, row);
        return new ItemRetirementResponse(item.Id, item.AccommodationId, item.Label, item.RetiredFrom, item.InService, item.CreatedAt,
            FromJson<RoomMove>(row.Moved));
    }

    /// <summary>The closures ending after <paramref name="from"/> (all when null), or null when the accommodation does not exist.</summary>
    internal async Task<List<ClosureResponse>?> ClosuresAsync(Guid accommodationId, DateOnly? from, CancellationToken ct)
    {
        var rows = await database.RunAsync(DatabaseFunctions.ListClosures, async (c, token) => (await c.QueryAsync<ClosureRow>(new CommandDefinition(ClosuresSql,
            new { AccommodationId = accommodationId, From = from }, cancellationToken: token))).ToList(), ct);
        return rows is [{ AccommodationExists: false }]
            ? null
            : rows.Where(r => r.Id is not null).Select(r => ClosureResponse.Of(accommodationId, r)).ToList();
    }

    internal async Task<NewClosureResponse> AddClosureAsync(Guid accommodationId, DateOnly from, DateOnly to, string reason, string actor,
        CancellationToken ct)
    {
        var row = await database.RunAsync(DatabaseFunctions.AddClosure, (c, token) => c.QuerySingleAsync<ClosureRow>(new CommandDefinition(AddClosureSql,
            new { AccommodationId = accommodationId, From = from, To = to, Reason = reason, Actor = actor }, cancellationToken: token)), ct);
        var closure = ClosureResponse.Of(accommodationId, row);
        return new NewClosureResponse(closure.Id, closure.AccommodationId, closure.From, closure.To, closure.Reason, closure.CreatedBy,
            closure.CreatedAt, FromJson<BookingOnClosedNight>(row.Bookings));
    }

    internal async Task<ClosureResponse> RemoveClosureAsync(Guid accommodationId, Guid closureId, string actor, CancellationToken ct) =>
        ClosureResponse.Of(accommodationId, await database.RunAsync(DatabaseFunctions.RemoveClosure, (c, token) => c.QuerySingleAsync<ClosureRow>(new CommandDefinition(
            RemoveClosureSql, new { AccommodationId = accommodationId, ClosureId = closureId, Actor = actor }, cancellationToken: token)), ct));

    /// <summary>One row per night of [from, to); BK002 for an unknown accommodation, BK003 for a bad range.</summary>
    /// <remarks>On a replica that has not replayed a new accommodation yet (BK002), asked again on the primary.</remarks>
    internal async Task<List<CalendarRow>> CalendarAsync(Guid accommodationId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        Task<List<CalendarRow>> AskAsync(DatabaseCalls calls) =>
            calls.RunAsync(DatabaseFunctions.AccommodationCalendar, async (c, token) => (await c.QueryAsync<CalendarRow>(new CommandDefinition(CalendarSql,
                new { AccommodationId = accommodationId, From = from, To = to }, cancellationToken: token))).ToList(), ct);
        try
        {
            return await AskAsync(reads);
        }
        catch (PostgresException e) when (e.SqlState == "BK002" && !ReferenceEquals(reads.DataSource, database.DataSource))
        {
            return await AskAsync(database);
        }
    }

    /// <summary>The active bookings on the night, or null when the accommodation does not exist.</summary>
    internal async Task<List<NightBooking>?> NightBookingsAsync(Guid accommodationId, DateOnly night, CancellationToken ct)
    {
        var rows = await database.RunAsync(DatabaseFunctions.AccommodationNightBookings, async (c, token) => (await c.QueryAsync<NightBookingRow>(new CommandDefinition(NightBookingsSql,
            new { AccommodationId = accommodationId, Night = night }, cancellationToken: token))).ToList(), ct);
        return rows is [{ AccommodationExists: false }]
            ? null
            : rows.Where(r => r.Id is not null).Select(NightBooking.From).ToList();
    }

    internal Task<List<AvailableAccommodationRow>> SearchAsync(DateOnly checkIn, DateOnly checkOut, int guests, Guid[]? ids, int limit,
        Guid? after, CancellationToken ct) =>
        reads.RunAsync(DatabaseFunctions.SearchAvailability, async (c, token) => (await c.QueryAsync<AvailableAccommodationRow>(new CommandDefinition(SearchSql, new
        {
            CheckIn = checkIn,
            CheckOut = checkOut,
            Guests = guests,
            AccommodationIds = ids,
            Limit = limit,
            After = after,
        }, cancellationToken: token))).ToList(), ct);

    private static List<T> FromJson<T>(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<T>>(json, Json) ?? [];
}
