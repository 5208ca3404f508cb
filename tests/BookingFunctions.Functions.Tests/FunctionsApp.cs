using System.Reflection;

namespace BookingFunctions.Functions.Tests;

/// <summary>The built Functions app: its output folder (recorded at build time) and its assembly.</summary>
internal static class FunctionsApp
{
    public static string Directory { get; } = typeof(FunctionsApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FunctionsAppDirectory").Value!;

    public static string MetadataFile => Path.Combine(Directory, "functions.metadata");

    public static string HostJsonFile => Path.Combine(Directory, "host.json");

    /// <summary>The app's own assembly, loaded here only to read its function classes.</summary>
    public static Assembly Assembly => typeof(CreateBookingSecurely).Assembly;
}
