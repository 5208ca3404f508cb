using System.Runtime.Versioning;
using System.Text.Json;

namespace BookingFunctions.Api.Tests;

/// <summary>The inventory operations as /api/openapi.json documents them: a summary, a described tag, bodies, parameters, problems, security.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class InventoryOpenApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static readonly string[] StaffOperations =
    [
        "CreateAccommodation", "UpdateAccommodation", "ListAccommodationItems", "AddAccommodationItem", "SetAccommodationItemRetirement",
        "ListClosures", "AddClosure", "RemoveClosure", "ListNightBookings",
    ];

    private static readonly string[] ReaderOperations = ["ListAccommodations", "GetAccommodation", "GetAccommodationCalendar", "SearchAvailability"];

    [Fact]
    public async Task Every_inventory_operation_has_a_summary_a_described_tag_bearer_security_and_its_problem_responses()
    {
        // Act
        var document = await DocumentAsync();

        // Assert
        var operations = Operations(document);
        var tags = document.GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => t.TryGetProperty("description", out var d) ? d.GetString() : null);
        foreach (var id in StaffOperations.Concat(ReaderOperations))
        {
            Assert.True(operations.TryGetValue(id, out var operation), $"{id} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), id);
            var tag = Assert.Single(operation.GetProperty("tags").EnumerateArray()).GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(tags.GetValueOrDefault(tag)), $"{id}: tag {tag} has no description");
            Assert.NotEqual(0, operation.GetProperty("security").GetArrayLength());
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _), id);
            Assert.Equal(StaffOperations.Contains(id), responses.TryGetProperty("403", out _));
        }
    }

    [Theory]
    [InlineData("CreateAccommodation", "application/json", "capacity")]
    [InlineData("UpdateAccommodation", "application/merge-patch+json", "timeZone")]
    [InlineData("AddAccommodationItem", "application/json", "label")]
    [InlineData("SetAccommodationItemRetirement", "application/merge-patch+json", "retiredFrom")]
    [InlineData("AddClosure", "application/json", "reason")]
    public async Task Operations_with_a_body_document_its_media_type_and_members(string id, string mediaType, string member)
    {
        // Act
        var document = await DocumentAsync();

        // Assert
        var body = Operations(document)[id].GetProperty("requestBody");
        Assert.True(body.GetProperty("required").GetBoolean());
        var schema = body.GetProperty("content").GetProperty(mediaType).GetProperty("schema");
        Assert.True(schema.GetProperty("properties").TryGetProperty(member, out _), schema.ToString());
    }

    [Theory]
    [InlineData("GetAccommodationCalendar", "from,to")]
    [InlineData("SearchAvailability", "checkIn,checkOut,guests,ids,limit,cursor")]
    [InlineData("ListAccommodations", "limit,cursor")]
    public async Task Query_parameters_are_documented(string id, string names)
    {
        // Act
        var document = await DocumentAsync();

        // Assert
        var query = Operations(document)[id].GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Split(','), query);
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/openapi.json");
        await Staff.AssertStatusAsync(response, System.Net.HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    private static Dictionary<string, JsonElement> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("operationId", out _))
            .ToDictionary(o => o.Value.GetProperty("operationId").GetString()!, o => o.Value);
}
