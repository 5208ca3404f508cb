using Dapper;
using Npgsql;

namespace BookingFunctions.Testing;

/// <summary>A database of its own for one test class, migrated, dropped at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TestDatabaseServer _server;

    internal TestDatabase(TestDatabaseServer server, string name)
    {
        _server = server;
        Name = name;
        AdminConnectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            MaxPoolSize = 400,
        }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            Username = TestDatabaseServer.AppLogin,
            Password = TestDatabaseServer.AppPassword,
            MaxPoolSize = 400,
        }.ConnectionString;
        Admin = NpgsqlDataSource.Create(AdminConnectionString);
        App = NpgsqlDataSource.Create(AppConnectionString);
    }

    public string Name { get; }

    /// <summary>Superuser: for arranging data and for breaking invariants behind the functions' back.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The application role: may only EXECUTE the API functions.</summary>
    public string AppConnectionString { get; }

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
