using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Database;

/// <summary>
/// Builds the app's data sources, with Entra ID tokens as rotating passwords when enabled: the one every decision
/// goes through (the primary), and the keyed <see cref="ReadsKey"/> one for availability and booking reads (a hot
/// standby when one is configured, else the very same data source).
/// </summary>
internal static class BookingDataSource
{
    /// <summary>The key of the read data source in DI (<c>[FromKeyedServices(BookingDataSource.ReadsKey)]</c>).</summary>
    public const string ReadsKey = "booking-reads";

    /// <summary>
    /// The decisions' data source. A multi-host connection string (failover) is pinned to the primary: a standby
    /// would refuse every write anyway (25006), and a decision must never be made from a replica's stale rows.
    /// </summary>
    public static NpgsqlDataSource Build(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        return Build(services, options, options.ConnectionString!, IsMultiHost(options.ConnectionString!) ? "primary" : null);
    }

    /// <summary>
    /// The reads' data source: <c>BookingDbReadOnly</c> as given; else a multi-host <c>BookingDb</c> with
    /// prefer-standby (a standby while one answers, the primary otherwise); else the decisions' data source itself.
    /// </summary>
    public static NpgsqlDataSource BuildReads(IServiceProvider services, object? key)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.ReadOnlyConnectionString))
        {
            return Build(services, options, options.ReadOnlyConnectionString, null);
        }

        return IsMultiHost(options.ConnectionString!)
            ? Build(services, options, options.ConnectionString!, "prefer-standby")
            : services.GetRequiredService<NpgsqlDataSource>();
    }

    private static NpgsqlDataSource Build(IServiceProvider services, DatabaseOptions options, string connectionString, string? targetSession)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (targetSession is not null)
        {
            builder.ConnectionStringBuilder.TargetSessionAttributes = targetSession;
        }

        builder.UseLoggerFactory(services.GetService<ILoggerFactory>());
        if (options.UseEntraId)
        {
            // A host may register its own TokenCredential (tests do); otherwise the usual Azure chain:
            // managed identity in Azure, developer sign-in (az / azd / VS) locally.
            var credential = services.GetService<TokenCredential>() ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
            });
            var request = new TokenRequestContext([DatabaseOptions.EntraIdScope]);
            // Npgsql caches the password and refreshes it in the background, so opening a connection never
            // waits on Entra ID; only new physical connections use the new token.
            builder.UsePeriodicPasswordProvider(
                async (_, ct) => (await credential.GetTokenAsync(request, ct)).Token,
                options.TokenRefreshInterval,
                options.TokenRetryInterval);
        }

        return builder.Build();
    }

    private static bool IsMultiHost(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Host?.Contains(',', StringComparison.Ordinal) == true;
}
