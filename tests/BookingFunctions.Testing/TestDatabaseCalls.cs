using BookingFunctions.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Testing;

/// <summary>The app's database call path over a test's own data source, for tests that build a batcher or the monitor by hand.</summary>
public static class TestDatabaseCalls
{
    public static DatabaseCalls For(NpgsqlDataSource dataSource, BookingOptions? options = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        return new DatabaseCalls(dataSource, Options.Create(options ?? new BookingOptions()), time,
            new DatabaseOutageLog(Options.Create(new DatabaseOptions()), time, NullLogger<DatabaseOutageLog>.Instance));
    }
}
