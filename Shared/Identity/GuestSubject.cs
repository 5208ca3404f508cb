namespace BookingFunctions.Identity;

/// <summary>
/// What a token subject must look like to become a guest id. The database stores and compares it as text of 1 to 200
/// characters, which cannot hold a NUL at all (it answered 22021 and the request became a 500). Control characters
/// (line breaks, escapes, NEL) would forge log lines and look-alike ids, and a lone UTF-16 surrogate cannot even be
/// encoded for the database. A subject outside these rules is no identity we can serve: 401, before any database call.
/// </summary>
internal static class GuestSubject
{
    public const int MaxLength = 200;

    public static bool IsAcceptable(string? subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxLength)
        {
            return false;
        }

        for (var i = 0; i < subject.Length; i++)
        {
            var c = subject[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 == subject.Length || !char.IsLowSurrogate(subject[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
