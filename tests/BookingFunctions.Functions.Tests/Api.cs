using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BookingFunctions.Functions.Tests.Host;
using BookingFunctions.Functions.Tests.Rpc;

namespace BookingFunctions.Functions.Tests;

/// <summary>Request bodies and response checks for calls through the worker.</summary>
internal static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HttpContent Body(object body) => JsonContent.Create(body, options: Json);

    public static HttpContent BookingBody(Guid accommodationId, DateOnly checkIn, DateOnly checkOut) =>
        Body(new { accommodationId, checkIn = Date(checkIn), checkOut = Date(checkOut), guests = 1 });

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string AvailabilityPath(Guid accommodation, DateOnly checkIn, DateOnly checkOut) =>
        $"/api/accommodations/{accommodation}/availability?checkIn={Date(checkIn)}&checkOut={Date(checkOut)}";

    /// <summary>The worker told the host the invocation succeeded (a problem response is a successful invocation).</summary>
    public static void AssertInvoked(this HttpInvocation call) =>
        Assert.True(call.Invocation?.Result.Status == StatusResult.Types.Status.Success,
            $"invocation status {call.Invocation?.Result.Status}: {call.Invocation?.Result.Exception?.Message}");

    public static async Task<T> ReadAsync<T>(this HttpInvocation call)
    {
        call.AssertInvoked();
        return (await call.Response.Content.ReadFromJsonAsync<T>(Json, TestContext.Current.CancellationToken))!;
    }

    /// <summary>Asserts status, problem+json and the stable type; returns the problem document.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpInvocation call, int status, string type)
    {
        call.AssertInvoked();
        var text = await call.Response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)call.Response.StatusCode == status, $"expected {status}, got {(int)call.Response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", call.Response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}

/// <summary>The booking as a client reads it (independent of the server's record type on purpose).</summary>
internal sealed record BookingDto(Guid Id, Guid AccommodationId, string GuestId, DateOnly CheckIn, DateOnly CheckOut, int Guests,
    string Status, DateTimeOffset? HoldExpiresAt, Guid? ItemId, DateTimeOffset CreatedAt, bool? LateConfirmation = null);

internal sealed record BookingGroupDto(Guid GroupId, IReadOnlyList<BookingDto> Bookings);

internal sealed record AvailabilityDto(int? Available, bool Unlimited);

internal sealed record ItemAssignmentDto(Guid ItemId, BookingDto Booking);
