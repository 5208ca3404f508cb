using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BookingFunctions.Testing;
using Dapper;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// Replays the hostile-input corpus (hostile-inputs.json, data rather than code so it can grow without a
/// build) against the real host. Every case must be refused with a 4xx application/problem+json whose status
/// matches, never a 5xx, and must leave every booking table's row count unchanged.
/// Decision: 405 for a wrong method is a problem+json too (the host's status-code pages write one), so it is
/// held to the same rule. The only 4xx without a problem body are "transport" cases Kestrel rejects before
/// any application code runs (malformed header syntax, oversized headers, conflicting framing).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class HostileInputTests(HostFixture host) : IClassFixture<HostFixture>
{
    private sealed record Case(string Name, string Category, string? Method, string? Path, string? Body, string? BodyBase64, string? Raw,
        string? Auth, string? ContentType, Dictionary<string, string>? Headers, int? Expect, bool Transport, bool OptionalProblem);

    private sealed record Corpus(List<Case> Cases);

    private static readonly JsonSerializerOptions CorpusJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Every_hostile_request_is_a_4xx_problem_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var corpus = JsonSerializer.Deserialize<Corpus>(
            await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "hostile-inputs.json"), ct), CorpusJson)!;
        Assert.True(corpus.Cases.Count >= 100, $"the corpus has only {corpus.Cases.Count} cases");
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 3, items: 3, ct);
        var otherGuest = TestTokens.NewGuest();
        Guid booking;
        await using (var connection = await host.Database.Admin.OpenConnectionAsync(ct))
        {
            booking = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                "select create_booking_with_atomic_lock(@accommodation, @otherGuest, current_date + 50, current_date + 52, 1, interval '1 day')",
                new { accommodation, otherGuest }, cancellationToken: ct));
        }

        var guest = TestTokens.NewGuest();
        var token = TestTokens.For(guest);
        var failures = new List<string>();
        var perCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in corpus.Cases)
        {
            string Expand(string s) => Placeholders(s, accommodation, booking, token);
            var before = await Invariants.RowCountsAsync(host.Database, ct);

            // Act
            var (status, contentType, body) = c.Raw is not null
                ? await SendRawAsync(Expand(c.Raw), ct)
                : await SendAsync(c, Expand, guest, ct);

            // Assert (collected, so one run lists every finding)
            var after = await Invariants.RowCountsAsync(host.Database, ct);
            perCategory[c.Category] = perCategory.GetValueOrDefault(c.Category) + 1;
            Tally.AddHostile();
            Tally.AddRequests();
            var written = after.Zip(before, (a, b) => a - b).Sum();
            Tally.AddRejectedRowsWritten(written);
            if (status >= 500 && !(status == 503 && contentType == "application/problem+json"))
            {
                Tally.AddServerErrors();
            }

            var problems = new List<string>();
            if (written != 0)
            {
                problems.Add($"{written} rows written");
            }

            if (status is < 400 or >= 500)
            {
                problems.Add($"status {status}");
            }
            else if (!c.Transport && c.Expect is { } expected && status != expected)
            {
                problems.Add($"status {status}, expected {expected}");
            }

            if (!c.Transport && !(c.OptionalProblem && contentType != "application/problem+json"))
            {
                if (contentType != "application/problem+json")
                {
                    problems.Add($"content type '{contentType}'");
                }
                else if (!IsProblem(body, status))
                {
                    problems.Add("not a problem document with a matching status and a type");
                }
            }

            if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal)
                || body.Contains("Npgsql", StringComparison.Ordinal))
            {
                problems.Add("leaks exception details");
            }

            if (problems.Count > 0)
            {
                failures.Add($"[{c.Category}] {c.Name}: {string.Join("; ", problems)} — {Truncate(body)}");
            }
        }

        foreach (var (category, count) in perCategory.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{category}: {count}");
        }

        Tally.Category($"RELIABILITY hostile cases={corpus.Cases.Count} categories={perCategory.Count} failures={failures.Count}");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private async Task<(int Status, string? ContentType, string Body)> SendAsync(Case c, Func<string, string> expand, string guest, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method ?? "POST"), expand(c.Path ?? "/api/bookings"));
        switch (c.Auth ?? "guest")
        {
            case "guest":
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {TestTokens.For(guest)}");
                break;
            case "staff":
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {TestTokens.For("staff", staff: true)}");
                break;
            case "none":
                break;
            case var a when a.StartsWith("sub:", StringComparison.Ordinal):
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {TestTokens.For(expand(a[4..]))}");
                break;
            case var a when a.StartsWith("signed:", StringComparison.Ordinal):
                var (header, payload) = (a[7..a.IndexOf('|', StringComparison.Ordinal)], a[(a.IndexOf('|', StringComparison.Ordinal) + 1)..]);
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {TestTokens.SignedRaw(expand(header), expand(payload))}");
                break;
            case var a when a.StartsWith("raw:", StringComparison.Ordinal):
                request.Headers.TryAddWithoutValidation("Authorization", expand(a[4..]));
                break;
            default:
                throw new InvalidOperationException($"unknown auth '{c.Auth}' in case {c.Name}");
        }

        if (c.Body is not null || c.BodyBase64 is not null)
        {
            request.Content = new ByteArrayContent(c.BodyBase64 is not null ? Convert.FromBase64String(c.BodyBase64) : Encoding.UTF8.GetBytes(expand(c.Body!)));
            var contentType = c.ContentType ?? "application/json";
            if (contentType.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var (name, value) in c.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, expand(value));
        }

        using var response = await host.Client.SendAsync(request, ct);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Bytes exactly as written: what HttpClient refuses to send (CR/LF, NUL, non-ASCII headers, conflicting framing).</summary>
    private async Task<(int Status, string? ContentType, string Body)> SendRawAsync(string text, CancellationToken ct)
    {
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var body = split < 0 ? "" : text[(split + 4)..];
        text = text.Replace("{{LEN}}", Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port, timeout.Token);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), timeout.Token);
        }
        catch (IOException)
        {
            // the server may answer and close before reading everything we send
        }


        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            // connection reset after the response: what we read is the answer
        }

        var response = Encoding.UTF8.GetString(buffer.ToArray());
        var status = StatusLine().Match(response) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var contentType = ContentTypeHeader().Match(response) is { Success: true } t ? t.Groups[1].Value.Trim() : null;
        var headerEnd = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var responseBody = headerEnd < 0 ? "" : response[(headerEnd + 4)..];
        if (response.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            responseBody = Dechunk(responseBody);
        }

        return (status, contentType, responseBody);
    }

    private static string Dechunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(chunked[position..lineEnd], System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
            {
                break;
            }

            result.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }

    private static bool IsProblem(string body, int status)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.TryGetProperty("status", out var s) && s.GetInt32() == status
                && root.TryGetProperty("type", out var t) && !string.IsNullOrWhiteSpace(t.GetString());
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Placeholders(string s, Guid accommodation, Guid booking, string token)
    {
        s = Repeat().Replace(s, m => string.Concat(Enumerable.Repeat(m.Groups[2].Value, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))));
        s = DayOffset().Replace(s, m => Arrange.Date(Arrange.Today.AddDays(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))));
        s = EpochOffset().Replace(s, m => DateTimeOffset.UtcNow.AddSeconds(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var unknown = Guid.NewGuid();
        return s.Replace("{{ACC}}", accommodation.ToString(), StringComparison.Ordinal)
            .Replace("{{BOOKING}}", booking.ToString(), StringComparison.Ordinal)
            .Replace("{{UNKNOWN_N}}", unknown.ToString("N"), StringComparison.Ordinal)
            .Replace("{{UNKNOWN}}", unknown.ToString(), StringComparison.Ordinal)
            .Replace("{{TOKEN}}", token, StringComparison.Ordinal)
            .Replace("{{ISS}}", TestTokens.Issuer, StringComparison.Ordinal)
            .Replace("{{AUD}}", TestTokens.Audience, StringComparison.Ordinal);
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    [GeneratedRegex(@"\{\{REPEAT:(\d+):(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Repeat();

    [GeneratedRegex(@"\{\{DAY:([+-]\d+)\}\}")]
    private static partial Regex DayOffset();

    [GeneratedRegex(@"\{\{EPOCH:([+-]\d+)\}\}")]
    private static partial Regex EpochOffset();

    [GeneratedRegex(@"^HTTP/1\.[01] (\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"\r\nContent-Type: *([^;\r\n]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ContentTypeHeader();
}
