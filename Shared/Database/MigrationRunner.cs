using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingFunctions.Database;

/// <summary>
/// Applies sql/migrations in version order, each in its own transaction, recording them in
/// booking_migrations.applied. A session advisory lock makes concurrent runners (several app instances
/// starting at once) take turns; an applied migration whose file changed afterwards is refused.
/// The lock lives in the session, so run migrations on a direct connection (port 5432), never through a
/// transaction pooler (PgBouncer, port 6432): there the lock and its unlock may land in different server sessions.
/// </summary>
public sealed class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Arbitrary, fixed: "booking migrations" as a 64-bit advisory lock key.
    private const long LockKey = 0x426F6F6B_4D696772;

    private static readonly string Prepare = EmbeddedSql.Read("sql/queries/migrations_prepare.sql");
    private static readonly string Applied = EmbeddedSql.Read("sql/queries/migrations_applied.sql");
    private static readonly string Record = EmbeddedSql.Read("sql/queries/migrations_record.sql");
    private static readonly string Lock = EmbeddedSql.Read("sql/queries/migrations_lock.sql");
    private static readonly string Unlock = EmbeddedSql.Read("sql/queries/migrations_unlock.sql");

    /// <returns>The versions applied by this call (empty when the database was up to date).</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Lock, new { Key = LockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(Prepare, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<(string Version, string Checksum)>(
                    new CommandDefinition(Applied, cancellationToken: cancellationToken)))
                .ToDictionary(m => m.Version, m => m.Checksum, StringComparer.Ordinal);

            var newlyApplied = new List<string>();
            foreach (var migration in Migration.Embedded())
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Migration {migration.Version}_{migration.Name} was changed after it was applied. " +
                            "Add a new migration instead of editing an applied one.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(migration.Script, transaction: transaction,
                    commandTimeout: 300, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(Record, migration, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
                newlyApplied.Add(migration.Version);
            }

            if (newlyApplied.Count == 0)
            {
                logger.LogInformation("Database schema is up to date ({Count} migrations)", applied.Count);
            }

            return newlyApplied;
        }
        finally
        {
            // Unlock on a fresh token: the caller's may already be cancelled, and a leaked session lock
            // would block every other runner until this pooled connection is closed.
            await connection.ExecuteAsync(new CommandDefinition(Unlock, new { Key = LockKey }, cancellationToken: CancellationToken.None));
        }
    }
}
