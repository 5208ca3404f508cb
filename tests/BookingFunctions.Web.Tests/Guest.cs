namespace BookingFunctions.Web.Tests;

/// <summary>Guest names: readable in screenshots, unique per test (a short random suffix), allowed by the development sign-in.</summary>
internal static class Guest
{
    public static string Named(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 7)];
}
