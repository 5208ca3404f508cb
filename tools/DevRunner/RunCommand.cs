using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.DevRunner;

/// <summary>./run: database, migrations, demo data, the API on http://127.0.0.1:7071, until Ctrl-C.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(DevSettings settings, CancellationToken ct)
    {
        DevHost.RequireFreePort(settings.HttpPort);
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        Console.WriteLine("Starting the database …");
        if (settings.DataDirectoryNote is { } note)
        {
            Console.WriteLine($"Data folder: {settings.DataDirectory} ({note}).");
        }

        await using var database = await DevDatabase.StartAsync(settings, logging, ct);
        var tokens = new DevTokens(DevSecrets.Get(settings.DataDirectory, "dev-signing-key"), TimeProvider.System);
        await using var app = DevHost.Build(database, tokens, settings.HttpPort, LogLevel.Information);
        await app.StartAsync(ct);
        PrintBanner(settings, database, tokens);
        await app.WaitForShutdownAsync(ct);
        Console.WriteLine("Stopping the API and the database …");
        return 0;
    }

    private static void PrintBanner(DevSettings settings, DevDatabase database, DevTokens tokens)
    {
        var checkIn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var checkOut = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(16).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var url = settings.BaseUrl;
        var hotel = DemoProperty.HarbourViewDouble;
        Console.WriteLine($$"""

            BookingFunctions is running.
              API:       {{url}}/api   (OpenAPI: {{url}}/api/openapi.json)
              Database:  {{database.Description}}
              Data:      {{settings.DataDirectory}}
              Demo:      Harbour View Double {{DemoProperty.HarbourViewDouble}} (12 rooms),
                         Garden Single {{DemoProperty.GardenSingle}} (3 rooms),
                         Sea Dorm Bed {{DemoProperty.SeaDormBed}} (unlimited)

            Development bearer tokens (12 h, signed with the key in {{settings.DataDirectory}}):
            export TOKEN={{tokens.For("demo-guest")}}
            export STAFF_TOKEN={{tokens.For("demo-staff", staff: true)}}

            Try it (copy and paste):
            curl -s "{{url}}/api/accommodations/{{hotel}}/availability?checkIn={{checkIn}}&checkOut={{checkOut}}"; echo
            BOOKING=$(curl -s -X POST {{url}}/api/bookings -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -H "Idempotency-Key: $(date +%s%N)" -d '{"accommodationId":"{{hotel}}","checkIn":"{{checkIn}}","checkOut":"{{checkOut}}","guests":2}' | sed -E 's/.*"id":"([^"]+)".*/\1/'); echo "booked $BOOKING"
            curl -s -X POST {{url}}/api/bookings/$BOOKING/confirm -H "Authorization: Bearer $TOKEN"; echo

            Ctrl-C stops the API and the database; the next ./run reuses the data.
            """);
    }
}
