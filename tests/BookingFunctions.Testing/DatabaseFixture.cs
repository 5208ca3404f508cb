using Xunit;

namespace BookingFunctions.Testing;

/// <summary>Class fixture: a fresh migrated database for the test class, its app connections straight to the server.</summary>
public class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    /// <summary>How the app role's connections (<see cref="TestDatabase.App"/>) reach the server.</summary>
    protected virtual DatabaseRoute Route => DatabaseRoute.Direct;

    public async ValueTask InitializeAsync()
    {
        var server = await TestDatabaseServer.GetAsync();
        _database = await server.CreateDatabaseAsync(GetType().Name, Route, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
