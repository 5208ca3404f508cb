using BookingFunctions.DevRunner;
using BookingFunctions.LocalPostgres;

// ./run [demo [--clients N] [--rooms K] | functions | help]
var root = FindRepositoryRoot();
try
{
    using var stop = new CancellationTokenSource();
    var settings = DevSettings.FromEnvironment(root, await DataFolder.ResolveAsync(root, stop.Token));
    return args switch
    {
        [] or ["run"] => await RunCommand.ExecuteAsync(settings, stop.Token),
        ["demo", ..] => await DemoCommand.ExecuteAsync(settings, args[1..], stop.Token),
        ["functions"] => await FunctionsCommand.ExecuteAsync(settings, root, stop.Token),
        _ => Usage(),
    };
}
catch (Exception e) when (e is DevRunnerException or LocalPostgresException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

static int Usage()
{
    Console.WriteLine("""
        usage: ./run                  start the API on http://127.0.0.1:7071 with a local database
               ./run demo [--clients N] [--rooms K]
                                      N guests race over HTTP for the last K rooms (default 200 and 5)
               ./run functions        the same, under Azure Functions Core Tools (`func start`)
        environment: BOOKING_DB_CONNECTION_STRING (use this server instead of the embedded one),
                     BOOKING_DATA_DIR (default .data), BOOKING_HTTP_PORT (7071), BOOKING_PG_PORT (any free)
        """);
    return 0;
}

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BookingFunctions.sln")))
            {
                return dir.FullName;
            }
        }
    }

    return Environment.CurrentDirectory;
}
