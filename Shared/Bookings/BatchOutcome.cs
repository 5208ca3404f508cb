using Npgsql;

namespace BookingFunctions.Bookings;

/// <summary>
/// The verdict part of a row of create_bookings or check_availability_many (sql/queries): the request's
/// position, and the SQLSTATE and message the single call would have raised, or nulls.
/// </summary>
internal class BatchOutcome
{
    public int Ordinal { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }

    /// <summary>The refusal as the exception the single call would have thrown, for DatabaseErrorMapper.</summary>
    public PostgresException Refusal() =>
        new(ErrorMessage ?? "The request was refused.", "ERROR", "ERROR", ErrorCode ?? "BK009");
}
