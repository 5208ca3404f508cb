using System.Security.Cryptography;
using System.Text;
using BookingFunctions.LocalPostgres;

namespace BookingFunctions.DevRunner;

/// <summary>
/// Where ./run keeps the embedded cluster, its generated passwords and the dev signing key. BOOKING_DATA_DIR when set;
/// else .data in the repository. As root the cluster runs as the PostgreSQL service user, which cannot enter a clone
/// in a folder only root may traverse (root's home is mode 700): then the data lives in
/// /var/lib/bookingfunctions/&lt;hash of the repository path&gt;, one folder per clone, kept across runs.
/// </summary>
internal sealed record DataFolder(string Path, string? Why)
{
    public const string Variable = "BOOKING_DATA_DIR";
    public const string SystemRoot = "/var/lib/bookingfunctions";

    public static async Task<DataFolder> ResolveAsync(string repositoryRoot, CancellationToken ct)
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen)
        {
            return new DataFolder(System.IO.Path.GetFullPath(chosen), null);
        }

        var inRepository = System.IO.Path.Combine(repositoryRoot, ".data");
        // a cluster already there was reachable when it was made: keep using it
        if (!LocalPostgresCluster.RunsAsRoot || File.Exists(System.IO.Path.Combine(inRepository, "postgres", "PG_VERSION"))
            || await LocalPostgresCluster.ServiceUserCanReachAsync(repositoryRoot, ct))
        {
            return new DataFolder(inRepository, null);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(repositoryRoot)))[..12];
        var outside = System.IO.Path.Combine(SystemRoot, hash);
        Directory.CreateDirectory(outside);
        if (!OperatingSystem.IsWindows())
        {
            // the service user must pass through; what lives here is protected by its own modes (secrets 600, cluster 700)
            File.SetUnixFileMode(SystemRoot, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(outside, (UnixFileMode)0b111_101_101);
        }

        return new DataFolder(outside,
            $"the repository folder {repositoryRoot} is not reachable by the PostgreSQL service user, so the data lives outside it; " +
            $"set {Variable} to choose another folder");
    }
}
