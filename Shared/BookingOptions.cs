namespace BookingFunctions;

/// <summary>API behaviour, bound from the "Booking" section.</summary>
public sealed class BookingOptions
{
    public const string Section = "Booking";

    /// <summary>How long a new booking holds its room before it must be confirmed (DB allows up to 1 day).</summary>
    public TimeSpan HoldTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest accepted request body; a booking request is a few hundred bytes.</summary>
    public int MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>max-age of availability responses: short, so a cached "3 left" is never stale for long.</summary>
    public int AvailabilityCacheSeconds { get; set; } = 10;

    /// <summary>Attempts for a call that failed with 40001 / 40P01 (the server rolled it back, so retrying is safe).</summary>
    public int TransientRetryAttempts { get; set; } = 3;

    /// <summary>Seconds a client is told to wait (Retry-After) when the database is busy or unreachable.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// Most rooms in one create_bookings call (BookingBatcher coalesces this instance's concurrent creates; a group
    /// counts its rooms and is never split). 1 turns batching off: every request is its own call.
    /// </summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// create_bookings calls in flight at once per instance. Measured on 2 cores (bench W1): 2 is best;
    /// more batches in flight mostly wait on each other's night locks.
    /// </summary>
    public int ConcurrentBatches { get; set; } = 2;

    /// <summary>
    /// How long an Idempotency-Key replays its booking (or group): a retry within it gets the stored answer; after it the
    /// key is answered 422 idempotency-key-expired, never a new booking and never silently the old one. Bookings keep
    /// their key in the database for audit either way. At least the hold TTL, so a retry during the hold always replays.
    /// </summary>
    public TimeSpan IdempotencyKeyRetention { get; set; } = TimeSpan.FromHours(24);

    internal static bool IsValid(BookingOptions o) =>
        o.HoldTtl > TimeSpan.Zero && o.HoldTtl <= TimeSpan.FromDays(1)
        && o.MaxRequestBodyBytes is >= 256 and <= 1024 * 1024
        && o.AvailabilityCacheSeconds is >= 0 and <= 3600
        && o.TransientRetryAttempts is >= 1 and <= 10
        && o.RetryAfterSeconds is >= 1 and <= 300
        && o.MaxBatchSize is >= 1 and <= 1000
        && o.ConcurrentBatches is >= 1 and <= 64
        && o.IdempotencyKeyRetention >= o.HoldTtl && o.IdempotencyKeyRetention <= TimeSpan.FromDays(365);
}
