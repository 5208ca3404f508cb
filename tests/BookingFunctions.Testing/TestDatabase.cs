using Dapper;
using Npgsql;

namespace BookingFunctions.Testing;

/// <summary>A database of its own for one test class, migrated, dropped at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TestDatabaseServer _server;

    internal TestDatabase(TestDatabaseServer server, string name, LocalPostgres.LocalPgBouncer? pooler)
    {
        _server = server;
        Name = name;
        AdminConnectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            MaxPoolSize = 400,
        }.ConnectionString;
        DirectAppConnectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            Username = TestDatabaseServer.AppLogin,
            Password = TestDatabaseServer.AppPassword,
            MaxPoolSize = 400,
        }.ConnectionString;
        AppConnectionString = pooler is null
            ? DirectAppConnectionString
            : new NpgsqlConnectionStringBuilder(DirectAppConnectionString)
            {
                Host = "127.0.0.1",
                Port = pooler.Port,
                // what the README asks of an app behind a transaction pooler: no DISCARD ALL on every return to
                // Npgsql's pool (Max Auto Prepare stays at its default, 0: PgBouncer 1.18 cannot pool prepared statements)
                NoResetOnClose = true,
            }.ConnectionString;
        ThroughPgBouncer = pooler is not null;
        Admin = NpgsqlDataSource.Create(AdminConnectionString);
        App = NpgsqlDataSource.Create(AppConnectionString);
    }

    public string Name { get; }

    /// <summary>Superuser: for arranging data and for breaking invariants behind the functions' back.</summary>
    public string AdminConnectionString { get; }

    /// <summary>
    /// The application role: may only EXECUTE the API functions. Through the test PgBouncer (transaction pooling)
    /// when the database was created for <see cref="DatabaseRoute.PgBouncer"/>, else straight to the server.
    /// </summary>
    public string AppConnectionString { get; }

    /// <summary>The application role straight to the server, whatever the route.</summary>
    public string DirectAppConnectionString { get; }

    /// <summary>True when <see cref="App"/> goes through PgBouncer in transaction mode.</summary>
    public bool ThroughPgBouncer { get; }

    public NpgsqlDataSource Admin { get; }

    public NpgsqlDataSource App { get; }

    public TestDatabaseServer Server => _server;

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Admin.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server.AdminConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"drop database if exists \"{Name}\" with (force)");
    }
}
