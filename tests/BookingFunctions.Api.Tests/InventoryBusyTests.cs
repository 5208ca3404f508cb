using System.Runtime.Versioning;
using BookingFunctions.Errors;
using Dapper;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// A staff change that cannot get its locks within the function's lock_timeout (5 s) is a 503 busy problem with
/// Retry-After — never a hung request or a 500 — and changes nothing.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InventoryBusyTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task A_capacity_change_that_outwaits_its_lock_timeout_answers_503_busy_with_retry_after_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 4);
        await using var admin = await host.Database.Admin.OpenConnectionAsync(ct);
        await using var hold = await admin.BeginTransactionAsync(ct);
        // the head of the lock order, held by another transaction for the whole request
        await admin.ExecuteAsync(new CommandDefinition(
            "select 1 from booking.accommodations where id = @Id for update", new { accommodation.Id }, hold, cancellationToken: ct));

        // Act
        using var response = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"capacity":2}""");

        // Assert
        await response.AssertProblemAsync(503, ProblemTypes.Busy);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        await hold.RollbackAsync(ct);
        using var read = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", Staff.Token);
        Assert.Equal(4, (await read.ReadAsync<AccommodationDto>()).Capacity);
    }
}
