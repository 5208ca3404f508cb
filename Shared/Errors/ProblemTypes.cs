namespace BookingFunctions.Errors;

/// <summary>
/// Stable RFC 9457 <c>type</c> URIs, one per error a client may handle differently. URNs, because they
/// identify the error without promising a page at an address; clients switch on them, never on text.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "urn:bookingfunctions:problem:";

    public const string Validation = Base + "validation";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string Unauthenticated = Base + "unauthenticated";
    public const string FullyBooked = Base + "fully-booked";
    public const string AccommodationNotFound = Base + "accommodation-not-found";
    public const string InvalidStay = Base + "invalid-stay";
    public const string NoFreeItem = Base + "no-free-item";
    public const string HoldExpired = Base + "hold-expired";
    public const string BookingNotFound = Base + "booking-not-found";
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";
    public const string IdempotencyKeyExpired = Base + "idempotency-key-expired";
    public const string InvalidState = Base + "invalid-state";
    public const string InvalidArgument = Base + "invalid-argument";
    public const string Forbidden = Base + "forbidden";
    public const string NightClosed = Base + "night-closed";
    public const string NoRoomForStay = Base + "no-room-for-stay";
    public const string InventoryConflict = Base + "inventory-conflict";
    public const string TooManyGuests = Base + "too-many-guests";
    public const string NotFound = Base + "not-found";
    public const string InvalidValue = Base + "invalid-value";
    public const string Busy = Base + "busy";
    public const string Unavailable = Base + "service-unavailable";
    public const string Unhealthy = Base + "unhealthy";
    public const string Misconfigured = Base + "server-misconfigured";
}
