using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The OpenAPI document the standalone host serves passes Redocly CLI's "recommended" ruleset with no error and no
/// warning, as client generators and API portals expect. The CLI is pinned in tools/openapi-lint (./test runs npm ci).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class OpenApiLintTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task The_served_OpenAPI_document_passes_Redocly_recommended_rules_without_an_error_or_a_warning()
    {
        var ct = TestContext.Current.CancellationToken;
        var lintFolder = FindLintFolder();
        var redocly = Path.Combine(lintFolder, "node_modules", ".bin", "redocly");
        Assert.True(File.Exists(redocly), $"Redocly CLI is not installed: run `npm ci` in {lintFolder} (./test does).");
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/openapi.json");
        response.EnsureSuccessStatusCode();
        var document = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await response.Content.ReadAsStringAsync(ct), ct);

        try
        {
            // Act
            var start = new ProcessStartInfo(redocly, ["lint", "--extends=recommended", "--format=json", document])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetTempPath(), // no redocly.yaml of ours may relax the rules
            };
            start.Environment["REDOCLY_TELEMETRY"] = "off";
            start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
            using var lint = Process.Start(start)!;
            var output = lint.StandardOutput.ReadToEndAsync(ct);
            var errors = lint.StandardError.ReadToEndAsync(ct);
            await lint.WaitForExitAsync(ct);
            var report = await output;

            // Assert
            Assert.True(report.TrimStart().StartsWith('{'), $"redocly exited {lint.ExitCode} without a report:\n{await errors}");
            using var json = JsonDocument.Parse(report);
            var problems = json.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()} " +
                             $"at {p.GetProperty("location")[0].GetProperty("pointer").GetString()}")
                .ToList();
            Assert.True(problems.Count == 0, string.Join('\n', problems));
            Assert.Equal(0, lint.ExitCode);
        }
        finally
        {
            File.Delete(document);
        }
    }

    private static string FindLintFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tools", "openapi-lint");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"tools/openapi-lint not found above {AppContext.BaseDirectory}.");
    }
}
