using System.Security.Cryptography;
using System.Text;

namespace BookingFunctions.Database;

/// <summary>One file of sql/migrations: <c>yyyyMMddHHmm_snake_name.sql</c>.</summary>
public sealed record Migration(string Version, string Name, string Script)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Script)));

    public static IReadOnlyList<Migration> Embedded() =>
        EmbeddedSql.Names("sql/migrations/")
            .Select(resource =>
            {
                var file = Path.GetFileNameWithoutExtension(resource["sql/migrations/".Length..]);
                var separator = file.IndexOf('_', StringComparison.Ordinal);
                if (separator <= 0)
                {
                    throw new InvalidOperationException($"Migration '{file}' is not named <version>_<name>.sql.");
                }

                return new Migration(file[..separator], file[(separator + 1)..], EmbeddedSql.Read(resource));
            })
            .ToList();
}
