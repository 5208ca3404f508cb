namespace BookingFunctions.DevRunner;

/// <summary>What ./run reads from the environment; every value has a default that works on a fresh machine.</summary>
internal sealed record DevSettings(
    string DataDirectory,
    string? ExternalConnectionString,
    int PostgresPort,
    int HttpPort,
    string? WebRoot = null)
{
    /// <summary>Why the data is not where a user would look first (.data in the repository), or null.</summary>
    public string? DataDirectoryNote { get; init; }

    public const string ConnectionStringVariable = "BOOKING_DB_CONNECTION_STRING";

    public string BaseUrl => $"http://127.0.0.1:{HttpPort}";

    public static DevSettings FromEnvironment(string repositoryRoot, DataFolder data) => new(
        DataDirectory: data.Path,
        ExternalConnectionString: Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } cs ? cs : null,
        PostgresPort: Port("BOOKING_PG_PORT", 0),
        HttpPort: Port("BOOKING_HTTP_PORT", 7071),
        // the repository's own web/, so an edited page shows on reload without a rebuild
        WebRoot: Directory.Exists(Path.Combine(repositoryRoot, "web")) ? Path.Combine(repositoryRoot, "web") : null)
    {
        DataDirectoryNote = data.Why,
    };

    private static int Port(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? int.TryParse(value, out var port) && port is >= 0 and <= 65535
                ? port
                : throw new DevRunnerException($"{variable}={value} is not a port number.")
            : fallback;
}
