using System.Runtime.Versioning;

namespace BookingFunctions.Api.Tests;

/// <summary>The standalone host logged in through PgBouncer in transaction mode, as an Azure app behind port 6432 would be.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PgBouncerApiHostFixture : ApiHostFixture
{
    protected override DatabaseRoute Route => DatabaseRoute.PgBouncer;
}
