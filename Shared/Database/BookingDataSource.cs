using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Database;

/// <summary>Builds the app's one <see cref="NpgsqlDataSource"/>, with Entra ID tokens as rotating passwords when enabled.</summary>
internal static class BookingDataSource
{
    public static NpgsqlDataSource Build(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
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
}
