using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;
using Dapper;

namespace BookingFunctions.Api.Tests;

/// <summary>GET /api/audit: check_for_double_bookings() on demand, for staff only.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class AuditApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task Staff_see_a_clean_audit_and_then_the_counter_drift_made_behind_the_functions_back()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = (await host.Client.CreateAccommodationAsync(capacity: 3)).Id;
        var night = Arrange.Today.AddDays(7);
        await host.Client.BookAsync(accommodation, night, night.AddDays(1));
        using (var clean = await host.Client.SendAsync(HttpMethod.Get, "/api/audit", Staff.Token))
        {
            await Staff.AssertStatusAsync(clean, HttpStatusCode.OK);
            var report = await clean.ReadJsonAsync();
            Assert.True(report.GetProperty("clean").GetBoolean());
            Assert.Equal(0, report.GetProperty("findings").GetArrayLength());
        }

        await using (var admin = await host.Database.Admin.OpenConnectionAsync(ct))
        {
            await admin.ExecuteAsync(new CommandDefinition(
                "update booking.night_inventory set reserved = 0 where accommodation_id = @accommodation and night = @night",
                new { accommodation, night = night.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
        }

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/audit", Staff.Token);

        // Assert: exactly that night's counter: 1 booked, 0 recorded
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        var audit = await response.ReadJsonAsync();
        Assert.False(audit.GetProperty("clean").GetBoolean());
        var finding = Assert.Single(audit.GetProperty("findings").EnumerateArray());
        Assert.Equal("counter_drift", finding.GetProperty("issue").GetString());
        Assert.Equal(accommodation, finding.GetProperty("accommodationId").GetGuid());
        Assert.Equal(Api.Date(night), finding.GetProperty("night").GetString());
        Assert.Equal(1, finding.GetProperty("booked").GetInt32());
        Assert.Equal(0, finding.GetProperty("recorded").GetInt32());
        Assert.Equal(0, finding.GetProperty("bookingIds").GetArrayLength()); // a counter names no booking
    }

    [Fact]
    public async Task A_guest_token_on_the_audit_is_a_403_problem_and_no_token_a_401()
    {
        // Act
        using var guest = await host.Client.SendAsync(HttpMethod.Get, "/api/audit", Staff.GuestToken());
        using var anonymous = await host.Client.SendAsync(HttpMethod.Get, "/api/audit");

        // Assert
        await guest.AssertProblemAsync(403, ProblemTypes.Forbidden);
        await anonymous.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
    }
}
