using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BookingFunctions.Reliability.Tests;

/// <summary>HTTP helpers: requests as a given token, counted in the run's tally.</summary>
internal static class Http
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null, string? json = null, string? idempotencyKey = null)
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

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public static string BookingJson(Guid accommodationId, DateOnly checkIn, DateOnly checkOut, int guests = 2) =>
        JsonSerializer.Serialize(new { accommodationId, checkIn = Arrange.Date(checkIn), checkOut = Arrange.Date(checkOut), guests });

    /// <summary>Sends and tallies; the caller disposes the response.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token = null,
        string? json = null, string? idempotencyKey = null, CancellationToken ct = default)
    {
        using var request = Request(method, path, token, json, idempotencyKey);
        var response = await client.SendAsync(request, ct);
        Tally.Response(response);
        return response;
    }

    public static async Task<Guid?> IdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return document.RootElement.TryGetProperty("id", out var id) ? id.GetGuid() : null;
    }

    public static async Task<string> StatusOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        if (document.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String)
        {
            return status.GetString()!;
        }

        return document.RootElement.GetProperty("booking").GetProperty("status").GetString()!;
    }
}
