namespace BookingFunctions.Identity;

/// <summary>An authenticated caller: the token subject is the guest id, never anything from the body.</summary>
public sealed record Caller(string Subject, bool IsStaff)
{
    /// <summary>The guest filter the database functions take: null lets staff reach any booking.</summary>
    public string? OwnerFilter => IsStaff ? null : Subject;
}
