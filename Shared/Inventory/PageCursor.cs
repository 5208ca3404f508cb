using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace BookingFunctions.Inventory;

/// <summary>
/// Opaque paging cursors (accommodations, search, a guest's bookings): the keyset position of the last row of a page (base64url, so clients treat it as a token,
/// not as data to edit). A cursor that does not decode is a 400, never a silently restarted list.
/// </summary>
internal static class PageCursor
{
    private const char Separator = '\n';

    /// <summary>list_accommodations pages by (name, id).</summary>
    public static string ForAccommodation(string name, Guid id) => Encode($"{name}{Separator}{id:D}");

    public static bool TryReadAccommodation(string value, out string name, out Guid id)
    {
        name = "";
        id = Guid.Empty;
        var text = Decode(value);
        var split = text?.LastIndexOf(Separator) ?? -1;
        if (split < 1 || !Guid.TryParseExact(text![(split + 1)..], "D", out id))
        {
            return false;
        }

        name = text[..split];
        return true;
    }

    /// <summary>search_availability pages by id.</summary>
    public static string ForId(Guid id) => Encode(id.ToString("D"));

    public static bool TryReadId(string value, out Guid id)
    {
        id = Guid.Empty;
        return Decode(value) is { } text && Guid.TryParseExact(text, "D", out id);
    }

    /// <summary>list_guest_bookings pages by (created_at, id), newest first; ticks keep PostgreSQL's microseconds exact.</summary>
    public static string ForBooking(DateTime createdAtUtc, Guid id) =>
        Encode(string.Create(CultureInfo.InvariantCulture, $"{createdAtUtc.Ticks}{Separator}{id:D}"));

    public static bool TryReadBooking(string value, out DateTime createdAtUtc, out Guid id)
    {
        createdAtUtc = default;
        id = Guid.Empty;
        var parts = Decode(value)?.Split(Separator);
        if (parts is not [var ticksText, var idText]
            || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks
            || !Guid.TryParseExact(idText, "D", out id))
        {
            return false;
        }

        createdAtUtc = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string? Decode(string value)
    {
        if (value.Length is 0 or > 1024)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(value));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null;
        }
    }
}
