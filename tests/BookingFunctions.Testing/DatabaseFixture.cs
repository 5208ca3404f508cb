using Xunit;

namespace BookingFunctions.Testing;

/// <summary>Class fixture: a fresh migrated database for the test class.</summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync()
    {
        var server = await TestDatabaseServer.GetAsync();
        _database = await server.CreateDatabaseAsync(GetType().Name, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
