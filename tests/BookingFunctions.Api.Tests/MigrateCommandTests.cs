using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using BookingFunctions.Testing;
using Dapper;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>`StandaloneHost migrate`: applies the migrations to an empty database, then finds nothing to do.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_applies_every_migration_to_an_empty_database_and_is_idempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        // Let the harness finish its template first: migrations create cluster-wide roles, and two runners on
        // different databases of one cluster do not share an advisory lock, so they could race on them.
        await (await server.CreateDatabaseAsync(nameof(MigrateCommandTests), ct)).DisposeAsync();
        var name = $"migrate_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            await admin.ExecuteAsync(new CommandDefinition($"create database \"{name}\"", cancellationToken: ct));
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = name, Pooling = false }.ConnectionString;
        try
        {
            // Act
            var first = await MigrateCommand.RunAsync([$"--ConnectionStrings:BookingDb={connectionString}"]);
            var second = await MigrateCommand.RunAsync([$"--ConnectionStrings:BookingDb={connectionString}"]);

            // Assert
            Assert.Equal((0, 0), (first, second));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            Assert.Equal(BookingFunctions.Database.Migration.Embedded().Count, await connection.ExecuteScalarAsync<int>(new CommandDefinition("select count(*) from booking_migrations.applied", cancellationToken: ct)));
            Assert.True(await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select to_regprocedure('public.create_booking_with_atomic_lock(uuid,text,date,date,integer,interval,text,text)') is not null",
                cancellationToken: ct)));
        }
        finally
        {
            await using var admin = new NpgsqlConnection(server.AdminConnectionString);
            await admin.OpenAsync(CancellationToken.None);
            await admin.ExecuteAsync(new CommandDefinition($"drop database if exists \"{name}\" with (force)", cancellationToken: CancellationToken.None));
        }
    }

    [Fact]
    public async Task Migrate_without_a_connection_string_fails_with_exit_code_1()
    {
        // Act
        var exit = await MigrateCommand.RunAsync(["--ConnectionStrings:BookingDb="]);

        // Assert
        Assert.Equal(1, exit);
    }
}
