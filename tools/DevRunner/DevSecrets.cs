using System.Security.Cryptography;

namespace BookingFunctions.DevRunner;

/// <summary>
/// Per-checkout random secrets kept in the ignored data folder, so nothing secret is in the repository and a
/// second run finds the same passwords and signing key as the first.
/// </summary>
internal static class DevSecrets
{
    public static string Get(string dataDirectory, string name)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, $"{name}.secret");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(path, value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return value;
    }
}
