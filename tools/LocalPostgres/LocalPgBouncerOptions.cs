namespace BookingFunctions.LocalPostgres;

/// <summary>How to start a local PgBouncer in front of one PostgreSQL server.</summary>
/// <param name="Directory">Its configuration, user list, pid and log files (created; readable by the service user).</param>
/// <param name="ServerHost">The PostgreSQL server every database name is forwarded to.</param>
/// <param name="ServerPort">Its port.</param>
/// <param name="Users">Logins clients may use, with their passwords (the user list; also used to log in to the server).</param>
/// <param name="DefaultPoolSize">Server connections per (database, user) pair: the most the server ever sees from the pooler.</param>
/// <param name="MaxClientConnections">Client connections PgBouncer accepts in total (every app instance's whole pool).</param>
/// <param name="PoolMode">transaction (the point of it all), session or statement.</param>
/// <param name="Settings">More [pgbouncer] settings, overriding the defaults written here.</param>
public sealed record LocalPgBouncerOptions(
    string Directory,
    string ServerHost,
    int ServerPort,
    IReadOnlyDictionary<string, string> Users,
    int DefaultPoolSize = 20,
    int MaxClientConnections = 2000,
    string PoolMode = "transaction",
    IReadOnlyDictionary<string, string>? Settings = null);
