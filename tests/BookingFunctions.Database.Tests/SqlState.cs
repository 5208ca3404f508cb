namespace BookingFunctions.Database.Tests;

/// <summary>The error contract of sql/migrations (202611250002, 202611300503/0504).</summary>
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
    public const string NightClosed = "BK021";
    public const string NoRoomForStay = "BK022";
    public const string InventoryConflict = "BK023";
    public const string TooManyGuests = "BK024";
    public const string UnknownRoomOrClosure = "BK025";
    public const string SendAlone = "BKR02";
    public const string LockTimeout = "55P03";
    public const string SerializationFailure = "40001";
    public const string InsufficientPrivilege = "42501";
    public const string Deadlock = "40P01";
}
