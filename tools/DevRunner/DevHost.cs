using System.Net;
using System.Net.Sockets;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.DevRunner;

/// <summary>The standalone host, configured for the local database and the development signing key.</summary>
internal static class DevHost
{
    /// <param name="webRoot">the web app's folder (null: the copy next to the binaries)</param>
    /// <param name="devSignIn">turn on the development sign-in of the pages (./run only)</param>
    public static WebApplication Build(DevDatabase database, DevTokens tokens, int port, LogLevel minimumLevel, string? webRoot = null,
        bool devSignIn = false) =>
        BookingWebApp.Create([], builder =>
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            // the content root is the repository, so StandaloneHost/appsettings.json is not read: same filters here
            builder.Logging.SetMinimumLevel(minimumLevel)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
                .AddFilter("Npgsql", LogLevel.Warning);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = database.AppConnectionString,
                ["Booking:Auth:Issuer"] = DevTokens.Issuer,
                ["Booking:Auth:Audience"] = DevTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = tokens.SigningKey,
                ["Booking:Auth:StaffRole"] = DevTokens.StaffRole,
                ["Booking:Web:Root"] = webRoot,
                ["Booking:Web:DevSignIn"] = devSignIn ? "true" : "false",
            });
        });

    /// <summary>Fails early, in words, when the port is taken: Kestrel's own error comes after the database started.</summary>
    public static void RequireFreePort(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException)
        {
            throw new DevRunnerException(
                $"Port {port} on 127.0.0.1 is already in use (another ./run or `func start`?). Stop it or set BOOKING_HTTP_PORT to another port.");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
