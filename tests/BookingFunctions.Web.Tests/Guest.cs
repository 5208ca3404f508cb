namespace BookingFunctions.Web.Tests;

/// <summary>Guest names: readable in screenshots, unique per test (a short random suffix), allowed by the development sign-in.</summary>
internal static class Guest
{
    public static string Named(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 7)];
}

/// <summary>
/// Nights for the guest page's tests: in next month, so a stay and the nights a test looks at are always on one page of
/// the month calendar, whatever today's date.
/// </summary>
internal static class Nights
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>The given day of next month (1 to 28).</summary>
    public static DateOnly NextMonth(int day) => new DateOnly(Today.Year, Today.Month, 1).AddMonths(1).AddDays(day - 1);
}
