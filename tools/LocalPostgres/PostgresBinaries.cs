using System.Diagnostics;

namespace BookingFunctions.LocalPostgres;

/// <summary>Finds initdb / pg_ctl: $PG_BIN, then `pg_config --bindir`, then the newest /usr/lib/postgresql/*/bin.</summary>
public static class PostgresBinaries
{
    public const string InstallHint =
        "Install the PostgreSQL server (Debian/Ubuntu: `apt-get install -y postgresql`), point PG_BIN at its bin " +
        "folder, or set BOOKING_DB_CONNECTION_STRING to an existing PostgreSQL 15+ server.";

    public static string? Find()
    {
        // An explicit PG_BIN is authoritative: a wrong one must not silently fall back to another server.
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } explicitBin)
        {
            return HasServer(explicitBin) ? explicitBin : null;
        }

        var candidates = new List<string?> { FromPgConfig() };
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => d is not null && HasServer(d));
    }

    private static bool HasServer(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    public static string Require() =>
        Find() ?? throw new LocalPostgresException($"PostgreSQL server binaries (initdb, pg_ctl) were not found. {InstallHint}");

    private static string? FromPgConfig()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // pg_config not installed
        }
    }
}
