using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace BookingFunctions.Api.Tests;

/// <summary>HTTP helpers: requests as a given token, and reading problem+json.</summary>
internal static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null, object? body = null,
        string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return request;
    }

    public static object BookingBody(Guid accommodationId, DateOnly checkIn, DateOnly checkOut, int guests = 2) => new
    {
        accommodationId,
        checkIn = checkIn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        checkOut = checkOut.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        guests,
    };

    /// <summary>A group body: <c>{"rooms": [{accommodationId, checkIn, checkOut, guests}, …]}</c>.</summary>
    public static object GroupBody(params (Guid Accommodation, DateOnly CheckIn, DateOnly CheckOut)[] rooms) =>
        new { rooms = rooms.Select(r => BookingBody(r.Accommodation, r.CheckIn, r.CheckOut, guests: 1)).ToArray() };

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string path, string? token = null,
        object? body = null, string? idempotencyKey = null)
    {
        using var request = Request(method, path, token, body, idempotencyKey);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Json, TestContext.Current.CancellationToken))!;

    /// <summary>Asserts status, problem+json media type and the stable type; returns the problem document.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string type)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
