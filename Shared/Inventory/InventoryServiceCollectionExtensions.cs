using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BookingFunctions.Inventory;

/// <summary>The inventory (staff API) services; part of AddBooking, so both hosts get them.</summary>
public static class InventoryServiceCollectionExtensions
{
    public static IServiceCollection AddInventory(this IServiceCollection services)
    {
        services.TryAddSingleton<InventoryStore>();
        services.TryAddSingleton<InventoryAction>();
        services.TryAddSingleton<CreateAccommodationHandler>();
        services.TryAddSingleton<ListAccommodationsHandler>();
        services.TryAddSingleton<GetAccommodationHandler>();
        services.TryAddSingleton<UpdateAccommodationHandler>();
        services.TryAddSingleton<ListItemsHandler>();
        services.TryAddSingleton<AddItemHandler>();
        services.TryAddSingleton<RetireItemHandler>();
        services.TryAddSingleton<ListClosuresHandler>();
        services.TryAddSingleton<AddClosureHandler>();
        services.TryAddSingleton<RemoveClosureHandler>();
        services.TryAddSingleton<CalendarHandler>();
        services.TryAddSingleton<NightBookingsHandler>();
        services.TryAddSingleton<SearchAvailabilityHandler>();
        return services;
    }
}
