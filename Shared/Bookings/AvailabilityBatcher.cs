using BookingFunctions.Database;
using BookingFunctions.Telemetry;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Bookings;

/// <summary>
/// Answers the availability questions of this instance that arrive together in one check_availability_many
/// statement. Measured (bench W6): under load the reads outnumbered the (already batched) bookings' calls
/// twenty to one, and each paid a round trip and an executor start-up of its own. Each answer still comes
/// from a snapshot taken after its question arrived. A lone question takes the single-call path. In the hosts it
/// asks the read data source: a hot standby when one is configured (an answer may then lag the primary by the
/// replay delay; the booking itself decides on the primary).
/// </summary>
public sealed class AvailabilityBatcher([FromKeyedServices(BookingDataSource.ReadsKey)] DatabaseCalls database, IOptions<BookingOptions> options)
    : RequestBatcher<AvailabilityQuery, int>(options.Value.ConcurrentBatches, options.Value.MaxBatchSize)
{
    private static readonly string ManySql = EmbeddedSql.Read("sql/queries/check_availability_many.sql");
    private static readonly string OneSql = EmbeddedSql.Read("sql/queries/check_availability.sql");

    /// <summary>Rooms free for the whole stay (9999: unlimited); throws the question's own PostgresException (BK002, BK003).</summary>
    public Task<int> AvailabilityAsync(AvailabilityQuery query, CancellationToken ct) => EnqueueAsync(query, ct);

    protected override async Task SendAsync(IReadOnlyList<Pending> batch)
    {
        BookingMetrics.BatchSent("availability", batch.Count);
        if (batch.Count == 1)
        {
            var query = batch[0].Request;
            batch[0].Complete(await database.RunAsync(DatabaseFunctions.CheckAvailability, (connection, token) => connection.ExecuteScalarAsync<int>(
                new CommandDefinition(OneSql, new { query.AccommodationId, query.CheckIn, query.CheckOut }, cancellationToken: token)),
                [batch[0].Caller], CancellationToken.None));
            return;
        }

        Task<List<AvailabilityOutcome>> AskAsync() => database.RunAsync(DatabaseFunctions.CheckAvailabilityMany, async (connection, token) => (await connection.QueryAsync<AvailabilityOutcome>(
            new CommandDefinition(ManySql, new
            {
                AccommodationIds = batch.Select(p => p.Request.AccommodationId).ToArray(),
                CheckIns = batch.Select(p => p.Request.CheckIn).ToArray(),
                CheckOuts = batch.Select(p => p.Request.CheckOut).ToArray(),
            }, cancellationToken: token))).ToList(), batch.Select(p => p.Caller).ToList(), CancellationToken.None);
        List<AvailabilityOutcome> outcomes;
        try
        {
            outcomes = await AskAsync();
        }
        catch (Exception e) when (BackendLoss.CutOff(e))
        {
            // The backend answering the batch went away mid-call: a read, so ask once more on a fresh connection rather
            // than fail every question it carried.
            outcomes = await AskAsync();
        }

        foreach (var outcome in outcomes)
        {
            var pending = batch[outcome.Ordinal - 1];
            if (outcome is { ErrorCode: null, Available: { } rooms })
            {
                pending.Complete(rooms);
            }
            else
            {
                pending.Fail(outcome.Refusal());
            }
        }
    }
}
