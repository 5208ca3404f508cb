using System.Runtime.Versioning;

namespace BookingFunctions.Reliability.Tests;

/// <summary>The standalone host logged in through PgBouncer in transaction mode, as an Azure app behind port 6432 would be.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PgBouncerHostFixture : HostFixture
{
    protected override DatabaseRoute Route => DatabaseRoute.PgBouncer;
}
