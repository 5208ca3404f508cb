namespace BookingFunctions.Testing;

/// <summary>A <see cref="DatabaseFixture"/> whose app connections go through PgBouncer in transaction mode.</summary>
public sealed class PgBouncerDatabaseFixture : DatabaseFixture
{
    protected override DatabaseRoute Route => DatabaseRoute.PgBouncer;
}
