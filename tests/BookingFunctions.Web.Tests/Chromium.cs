using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>
/// The system Chromium (Debian's chromium package), driven by Playwright: Playwright's own browser download does not
/// work on these machines. BOOKING_CHROMIUM overrides the binary.
/// </summary>
internal static class Chromium
{
    public const string PathVariable = "BOOKING_CHROMIUM";

    public static readonly string InstallHint =
        "The browser tests need Debian's Chromium: apt-get install -y chromium chromium-driver " +
        $"(or set {PathVariable} to a Chromium binary).";

    public static string Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable(PathVariable), "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        return candidates.FirstOrDefault(p => !string.IsNullOrWhiteSpace(p) && File.Exists(p))
            ?? throw new InvalidOperationException(InstallHint);
    }

    /// <summary>
    /// Headless, and nothing that talks to the network on its own (the closed network refuses it, and it would only
    /// slow the tests); as root Chromium needs --no-sandbox. Playwright adds a fresh profile (user data dir) per launch.
    /// </summary>
    public static BrowserTypeLaunchOptions LaunchOptions(string executable) => new()
    {
        ExecutablePath = executable,
        Headless = true,
        ChromiumSandbox = false,
        Timeout = 120_000,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        ],
    };
}
