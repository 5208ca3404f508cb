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
    public const string Availability = "accommodations/{id}/availability";
    public const string OpenApiDocument = "openapi.json";
    public const string Health = "health";

    /// <summary>The Location of a created booking: what GET <see cref="Booking"/> serves.</summary>
    public static Uri BookingLocation(Guid id) => new($"/{Prefix}/bookings/{id}", UriKind.Relative);
}
