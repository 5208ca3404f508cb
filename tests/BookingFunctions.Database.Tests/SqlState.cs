namespace BookingFunctions.Database.Tests;

/// <summary>The error contract of sql/migrations/202611250002_booking_functions.sql.</summary>
internal static class SqlState
{
    public const string FullyBooked = "BK001";
    public const string UnknownAccommodation = "BK002";
    public const string InvalidStay = "BK003";
    public const string NoFreeItem = "BK004";
    public const string HoldExpired = "BK005";
    public const string BookingNotFound = "BK006";
    public const string IdempotencyKeyReused = "BK007";
    public const string InvalidState = "BK008";
    public const string InvalidArgument = "BK009";
    public const string LockTimeout = "55P03";
    public const string InsufficientPrivilege = "42501";
    public const string Deadlock = "40P01";
}
