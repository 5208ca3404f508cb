using System.Runtime.Versioning;
using Azure.Core;
using BookingFunctions.Database;
using BookingFunctions.Testing;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The passwordless path as AddBooking wires it: a TokenCredential's access token is the password, fetched
/// by Npgsql's periodic password provider. Locally the "token" is a test role's password.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class EntraIdLoginTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_token_credential_logs_the_data_source_in_and_new_connections_use_a_rotated_token()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = fixture.Database;
        var role = $"entra_test_{Guid.NewGuid():N}"[..24];
        await AdminAsync(db, "select format('create role %I login password %L in role booking_app', @role, 'token-one')", role, ct);
        await using var passwordCheck = db.Server.LocalCluster is null ? null : await PasswordCheck.EnforceAsync(db, role, ct);
        var connectionString = new NpgsqlConnectionStringBuilder(db.AppConnectionString) { Username = role, Password = null }.ConnectionString;
        await WaitUntilRefusedAsync(connectionString, "wrong-token", ct);

        var credential = new FakeTokenCredential("token-one");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = connectionString,
            ["Booking:Database:UseEntraId"] = "true",
            ["Booking:Database:TokenRefreshInterval"] = "00:00:00.200",
            ["Booking:Database:TokenRetryInterval"] = "00:00:00.100",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<TokenCredential>(credential)
            .AddBooking(configuration).BuildServiceProvider();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        // Act
        var firstUser = await CurrentUserAsync(dataSource, ct);

        // Assert
        Assert.Equal(role, firstUser);
        Assert.Contains(DatabaseOptions.EntraIdScope, credential.Scopes);

        // the token rotates: the server gets the new password, the credential hands out the new token
        await AdminAsync(db, "select format('alter role %I password %L', @role, 'token-two')", role, ct);
        credential.Token = "token-two";
        var requestsAtRotation = credential.Requests;
        for (var waited = 0; credential.Requests < requestsAtRotation + 2; waited++)
        {
            Assert.True(waited < 200, "The periodic password provider did not ask for a new token within 10 s.");
            await Task.Delay(50, ct);
        }

        dataSource.Clear();

        // Act
        var afterRotation = await CurrentUserAsync(dataSource, ct);

        // Assert
        Assert.Equal(role, afterRotation);
        await WaitUntilRefusedAsync(connectionString, "token-one", ct);
        await AdminAsync(db, "select format('drop owned by %I; drop role %I', @role, @role)", role, ct);
    }

    private static async Task<string?> CurrentUserAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition("select current_user", cancellationToken: ct));
    }

    /// <summary>Runs the statement the server builds (format %I/%L quotes the role and password).</summary>
    private static async Task AdminAsync(TestDatabase db, string builder, string role, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        var statement = await connection.ExecuteScalarAsync<string>(new CommandDefinition(builder, new { role }, cancellationToken: ct));
        foreach (var part in statement!.Split("; "))
        {
            await connection.ExecuteAsync(new CommandDefinition(part, cancellationToken: ct));
        }
    }

    /// <summary>The negative control: proves the server checks this role's password (pg_hba reloads asynchronously).</summary>
    private static async Task WaitUntilRefusedAsync(string connectionString, string password, CancellationToken ct)
    {
        var withPassword = new NpgsqlConnectionStringBuilder(connectionString) { Password = password, Pooling = false }.ConnectionString;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(withPassword);
                await connection.OpenAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == "28P01")
            {
                return;
            }

            if (attempt == 50)
            {
                Assert.Fail($"The server accepted password '{password}': it does not check passwords for this role.");
            }

            await Task.Delay(100, ct);
        }
    }
}
