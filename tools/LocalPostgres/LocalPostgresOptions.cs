namespace BookingFunctions.LocalPostgres;

/// <summary>How to start a local cluster.</summary>
/// <param name="DataDirectory">Cluster files; reused when it already holds a cluster.</param>
/// <param name="Port">Loopback port; 0 picks a free one.</param>
/// <param name="Password">Superuser password (scram); null means trust on loopback, for throwaway test clusters only.</param>
/// <param name="Durable">false turns off fsync and friends: fast, and fine for data that dies with the tests.</param>
/// <param name="MaxConnections">Race tests open hundreds of connections at once.</param>
public sealed record LocalPostgresOptions(
    string DataDirectory,
    int Port = 0,
    string? Password = null,
    bool Durable = true,
    int MaxConnections = 200,
    IReadOnlyDictionary<string, string>? Settings = null);
