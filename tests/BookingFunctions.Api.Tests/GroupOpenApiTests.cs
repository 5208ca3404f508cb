using System.Runtime.Versioning;
using System.Text.Json;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Issue 13 in /api/openapi.json: the group routes as operations of their own, and POST /api/bookings with both body
/// shapes, both answers (oneOf) and the headers a client reads on a 201.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class GroupOpenApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Theory]
    [InlineData("GetBookingGroup", "/api/booking-groups/{id}", "get")]
    [InlineData("ConfirmBookingGroup", "/api/booking-groups/{id}/confirm", "post")]
    [InlineData("CancelBookingGroup", "/api/booking-groups/{id}/cancel", "post")]
    public async Task Each_group_route_is_an_operation_with_a_summary_the_bookings_tag_bearer_security_and_its_problems(string id, string path, string method)
    {
        // Act
        var document = await DocumentAsync();

        // Assert
        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(id, operation.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.Equal("Bookings", Assert.Single(operation.GetProperty("tags").EnumerateArray()).GetString());
        Assert.NotEqual(0, operation.GetProperty("security").GetArrayLength());
        var responses = operation.GetProperty("responses");
        foreach (var status in new[] { "200", "401", "404", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), $"{id}: {status}");
        }

        var schema = Resolve(document, responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(schema.GetProperty("properties").TryGetProperty("groupId", out _));
        Assert.True(schema.GetProperty("properties").TryGetProperty("bookings", out _));
    }

    [Fact]
    public async Task Creating_documents_rooms_in_the_body_a_booking_or_a_group_as_the_201_and_the_Idempotent_Replayed_header()
    {
        // Act
        var document = await DocumentAsync();

        // Assert
        var operation = document.GetProperty("paths").GetProperty("/api/bookings").GetProperty("post");
        var body = Resolve(document, operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        Assert.True(body.GetProperty("properties").TryGetProperty("rooms", out _));
        Assert.True(body.GetProperty("properties").TryGetProperty("accommodationId", out _));
        var created = operation.GetProperty("responses").GetProperty("201");
        var answers = created.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf").EnumerateArray()
            .Select(s => Resolve(document, s)).ToList();
        Assert.Equal(2, answers.Count);
        Assert.Contains(answers, a => a.GetProperty("properties").TryGetProperty("accommodationId", out _));
        Assert.Contains(answers, a => a.GetProperty("properties").TryGetProperty("groupId", out _));
        Assert.True(created.GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _));
        Assert.True(created.GetProperty("headers").TryGetProperty("Location", out _));
        Assert.True(operation.GetProperty("responses").TryGetProperty("422", out _));
    }

    /// <summary>The schema itself, following a $ref into components.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/openapi.json");
        await Staff.AssertStatusAsync(response, System.Net.HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }
}
