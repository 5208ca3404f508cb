namespace BookingFunctions.Testing;

/// <summary>How a test database's application connections reach the server.</summary>
public enum DatabaseRoute
{
    /// <summary>Straight to PostgreSQL.</summary>
    Direct,

    /// <summary>Through the test PgBouncer in transaction mode: every transaction may land on another server session.</summary>
    PgBouncer,
}
