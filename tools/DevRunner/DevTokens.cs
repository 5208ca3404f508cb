using BookingFunctions.StandaloneHost;

namespace BookingFunctions.DevRunner;

/// <summary>Mints development bearer tokens signed with the local key the host is configured to trust.</summary>
internal sealed class DevTokens(string signingKey, TimeProvider time)
{
    public const string Issuer = "booking-local-dev";
    public const string Audience = "booking-api";
    public const string StaffRole = "booking.staff";

    public string SigningKey => signingKey;

    /// <summary>The same tokens the pages' development sign-in hands out (valid 12 h).</summary>
    public string For(string subject, bool staff = false) =>
        DevTokenMinter.Mint(signingKey, Issuer, Audience, StaffRole, subject, staff, time.GetUtcNow());
}
