namespace BookingFunctions.Database;

/// <summary>
/// Where the database is and how to log in. The connection string comes from <c>ConnectionStrings:BookingDb</c>
/// or the <c>BookingDb</c> app setting, the optional read replica's from <c>ConnectionStrings:BookingDbReadOnly</c>
/// or the <c>BookingDbReadOnly</c> app setting; the rest from "Booking:Database".
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Booking:Database";
    public const string ConnectionStringName = "BookingDb";
    public const string ReadOnlyConnectionStringName = "BookingDbReadOnly";

    /// <summary>Azure Database for PostgreSQL's Entra ID token audience.</summary>
    public const string EntraIdScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>Where every decision is made: the primary (or a pooler in front of it).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Optional: a hot standby (or a pooler in front of it) for availability and booking reads. Unset, reads go to
    /// a standby of a multi-host <see cref="ConnectionString"/> when there is one, else to the primary.
    /// </summary>
    public string? ReadOnlyConnectionString { get; set; }

    /// <summary>Log in with an Entra ID access token as the password (no secret in configuration).</summary>
    public bool UseEntraId { get; set; }

    /// <summary>User-assigned managed identity to use; empty = DefaultAzureCredential's own choice.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>How often a fresh token is fetched. Entra ID tokens live 60–90 minutes: refresh well before.</summary>
    public TimeSpan TokenRefreshInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How soon to try again after a failed token fetch.</summary>
    public TimeSpan TokenRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While the database is unreachable, one summary line per this interval (with the count of failed calls)
    /// instead of one warning per request.
    /// </summary>
    public TimeSpan OutageLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal static bool IsValid(DatabaseOptions o) =>
        !string.IsNullOrWhiteSpace(o.ConnectionString)
        && o.TokenRefreshInterval > TimeSpan.Zero
        && o.TokenRetryInterval > TimeSpan.Zero
        && o.OutageLogInterval >= TimeSpan.FromSeconds(1) && o.OutageLogInterval <= TimeSpan.FromHours(1);
}
