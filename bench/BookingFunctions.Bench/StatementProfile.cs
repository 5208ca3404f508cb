using Dapper;

namespace BookingFunctions.Bench;

/// <summary>The statements that took the most server time in one workload (pg_stat_statements, track = all).</summary>
public sealed record StatementStat(long Calls, double TotalMs, double MeanMs, long Rows, long BlocksHit, long BlocksRead, string Query);

public static class StatementProfile
{
    private const string Top = """
        select calls as Calls, total_exec_time as TotalMs, mean_exec_time as MeanMs, rows as Rows,
               shared_blks_hit as BlocksHit, shared_blks_read as BlocksRead,
               left(regexp_replace(query, '\s+', ' ', 'g'), 110) as Query
          from pg_stat_statements
         where dbid = (select oid from pg_database where datname = current_database())
           and query not ilike '%pg_stat_%' and query not ilike 'checkpoint%'
         order by total_exec_time desc
         limit @Limit
        """;

    public static async Task<IReadOnlyList<StatementStat>> TakeAsync(BenchDatabase database, int limit, CancellationToken ct)
    {
        try
        {
            await using var connection = await database.Admin.OpenConnectionAsync(ct);
            return (await connection.QueryAsync<StatementStat>(new CommandDefinition(Top, new { Limit = limit }, cancellationToken: ct))).ToList();
        }
        catch (Npgsql.PostgresException)
        {
            return []; // pg_stat_statements not preloaded on a given server: the run goes on without it
        }
    }
}
