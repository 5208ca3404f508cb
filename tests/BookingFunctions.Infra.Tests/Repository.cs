using System.Reflection;

namespace BookingFunctions.Infra.Tests;

/// <summary>Where the repository and the Bicep CLI are, as the build recorded them.</summary>
internal static class Repository
{
    public static string Root { get; } = Metadata("RepositoryRoot");

    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>The bicep binary inside the Azure.Bicep.CommandLine.linux-x64 package (restored by NuGet like any package).</summary>
    public static string Bicep { get; } = Metadata("BicepPath").Replace('\\', '/');

    private static string Metadata(string key) =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly was built without the {key} metadata.");
}
