using System.Reflection;

namespace BookingFunctions.Database;

/// <summary>Reads the .sql files compiled into this assembly (sql/migrations, sql/queries).</summary>
public static class EmbeddedSql
{
    private static readonly Assembly Assembly = typeof(EmbeddedSql).Assembly;

    public static string Read(string logicalName)
    {
        using var stream = Assembly.GetManifestResourceStream(logicalName)
            ?? throw new InvalidOperationException($"Embedded SQL '{logicalName}' is missing from {Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static IReadOnlyList<string> Names(string prefix) =>
        Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
}
