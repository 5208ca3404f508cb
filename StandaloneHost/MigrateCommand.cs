using BookingFunctions.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// `migrate`: applies sql/migrations with <see cref="MigrationRunner"/> and exits. Uses the same
/// configuration keys as the API (ConnectionStrings:BookingDb, Entra ID settings); the login must be allowed
/// to create the schema, which the app role is not.
/// </summary>
internal static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddBooking(builder.Configuration);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand));
        try
        {
            var applied = await host.Services.GetRequiredService<MigrationRunner>().ApplyAsync(CancellationToken.None);
            logger.LogInformation("Migrations done: {Count} applied", applied.Count);
            return 0;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            logger.LogCritical(e, "Migration failed");
            return 1;
        }
    }
}
