namespace BookingFunctions.Http;

/// <summary>
/// The one route table. Templates are relative to <see cref="Prefix"/>: the Functions host adds it
/// through host.json (extensions.http.routePrefix), the standalone host through a route group.
/// </summary>
public static class Routes
{
    public const string Prefix = "api";

    public const string Bookings = "bookings";
    public const string Booking = "bookings/{id}";
    public const string BookingItem = "bookings/{id}/item";
    public const string BookingConfirm = "bookings/{id}/confirm";
    public const string BookingCancel = "bookings/{id}/cancel";
    public const string BookingGroup = "booking-groups/{id}";
    public const string BookingGroupConfirm = "booking-groups/{id}/confirm";
    public const string BookingGroupCancel = "booking-groups/{id}/cancel";
    public const string Availability = "accommodations/{id}/availability";
    public const string OpenApiDocument = "openapi.json";
    public const string Health = "health";

    // Inventory (staff API; guests may read the accommodations, the calendar's guest view and the search)
    public const string Accommodations = "accommodations";
    public const string Accommodation = "accommodations/{id}";
    public const string AccommodationItems = "accommodations/{id}/items";
    public const string AccommodationItem = "accommodations/{id}/items/{itemId}";
    public const string AccommodationClosures = "accommodations/{id}/closures";
    public const string AccommodationClosure = "accommodations/{id}/closures/{closureId}";
    public const string AccommodationCalendar = "accommodations/{id}/calendar";
    public const string AccommodationNightBookings = "accommodations/{id}/nights/{night}/bookings";
    public const string AvailabilitySearch = "availability";

    // Staff: the audit (check_for_double_bookings) on demand
    public const string Audit = "audit";

    // The standalone host's web app, outside the API prefix (absolute paths; not in the Functions app)
    public const string WebConfig = "/config.json";
    public const string DevSignIn = "/dev/sign-in";

    /// <summary>The Location of a created booking: what GET <see cref="Booking"/> serves.</summary>
    public static Uri BookingLocation(Guid id) => new($"/{Prefix}/bookings/{id}", UriKind.Relative);

    /// <summary>The Location of a created group booking: what GET <see cref="BookingGroup"/> serves.</summary>
    public static Uri BookingGroupLocation(Guid id) => new($"/{Prefix}/booking-groups/{id}", UriKind.Relative);

    /// <summary>The Location of a created accommodation: what GET <see cref="Accommodation"/> serves.</summary>
    public static Uri AccommodationLocation(Guid id) => new($"/{Prefix}/accommodations/{id}", UriKind.Relative);

    /// <summary>The Location of a created room: what PATCH <see cref="AccommodationItem"/> changes.</summary>
    public static Uri ItemLocation(Guid accommodationId, Guid itemId) =>
        new($"/{Prefix}/accommodations/{accommodationId}/items/{itemId}", UriKind.Relative);

    /// <summary>The Location of a created closure: what DELETE <see cref="AccommodationClosure"/> removes.</summary>
    public static Uri ClosureLocation(Guid accommodationId, Guid closureId) =>
        new($"/{Prefix}/accommodations/{accommodationId}/closures/{closureId}", UriKind.Relative);
}
