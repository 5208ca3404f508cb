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
        await using var app = DevHost.Build(database, tokens, settings.HttpPort, LogLevel.Information, settings.WebRoot, devSignIn: true);
        await app.StartAsync(ct);
        PrintBanner(settings, database, tokens);
        await app.WaitForShutdownAsync(ct);
        Console.WriteLine("Stopping the API and the database …");
        return 0;
    }

    private static void PrintBanner(DevSettings settings, DevDatabase database, DevTokens tokens)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var checkIn = today.AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var checkOut = today.AddDays(16).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var weekAfter = today.AddDays(21).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var url = settings.BaseUrl;
        var demo = database.Demo;
        Console.WriteLine($$"""

            BookingFunctions is running.
              API:       {{url}}/api   (OpenAPI: {{url}}/api/openapi.json)
              Web app:   {{url}}/  (guest page)   {{url}}/staff.html  (staff board)
                         sign in with "Development sign-in" (any name, guest or staff), or paste $TOKEN / $STAFF_TOKEN
              Database:  {{database.Description}}
              Data:      {{settings.DataDirectory}}
              Demo:      Harbour View Double {{demo.HarbourViewDouble}} (12 rooms, 2 guests each),
                         Garden Single {{demo.GardenSingle}} (3 rooms, 1 guest, closed for garden works 60 days ahead),
                         Sea Dorm Bed {{demo.SeaDormBed}} (unlimited), all in Europe/Lisbon
            export HOTEL={{demo.HarbourViewDouble}} GARDEN={{demo.GardenSingle}} DORM={{demo.SeaDormBed}}

            Development bearer tokens (12 h, signed with the key in {{settings.DataDirectory}}):
            export TOKEN={{tokens.For("demo-guest")}}
            export STAFF_TOKEN={{tokens.For("demo-staff", staff: true)}}

            Try it (copy and paste):
            curl -s "{{url}}/api/accommodations/{{demo.HarbourViewDouble}}/availability?checkIn={{checkIn}}&checkOut={{checkOut}}"; echo
            BOOKING=$(curl -s -X POST {{url}}/api/bookings -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -H "Idempotency-Key: $(date +%s%N)" -d '{"accommodationId":"{{demo.HarbourViewDouble}}","checkIn":"{{checkIn}}","checkOut":"{{checkOut}}","guests":2}' | sed -E 's/.*"id":"([^"]+)".*/\1/'); echo "booked $BOOKING"
            curl -s -X POST {{url}}/api/bookings/$BOOKING/confirm -H "Authorization: Bearer $TOKEN"; echo
            # staff (STAFF_TOKEN): the hotel's calendar for those weeks, and the Garden Single's rooms
            curl -s "{{url}}/api/accommodations/{{demo.HarbourViewDouble}}/calendar?from={{checkIn}}&to={{weekAfter}}" -H "Authorization: Bearer $STAFF_TOKEN"; echo
            curl -s "{{url}}/api/accommodations/{{demo.GardenSingle}}/items" -H "Authorization: Bearer $STAFF_TOKEN"; echo

            Ctrl-C stops the API and the database; the next ./run reuses the data. More staff calls: README, "Staff API".
            """);
    }
}
