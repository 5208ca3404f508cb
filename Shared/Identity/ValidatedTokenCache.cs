using System.Collections.Concurrent;
using System.Security.Claims;

namespace BookingFunctions.Identity;

/// <summary>
/// Bearer tokens that passed validation, remembered until they expire, but never longer than
/// <see cref="RememberFor"/> and never past the token's own expiry: remembering saves a validation, it never extends a
/// token's life. The key is the whole token: only the very same bytes are ever accepted from memory.
/// Bounded by its own byte accounting (<see cref="EstimateBytes"/>), not by a count: 9,900 distinct 27 KB tokens used
/// to take a gigabyte. A token longer than <see cref="MaxTokenChars"/> is validated every time and never remembered;
/// expired entries are swept when a token is remembered (at most every <see cref="SweepEvery"/>, so no background
/// thread); over the budget the entries closest to their expiry leave first, down to 90 % so it does not happen on
/// every insert. Reads take no lock; remembering (a cache miss, after a full validation) takes one.
/// </summary>
internal sealed class ValidatedTokenCache(TimeProvider time, long budgetBytes = ValidatedTokenCache.BudgetBytes,
    int maxTokenChars = ValidatedTokenCache.MaxTokenChars)
{
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    /// <summary>32 MiB per app instance: some 10,000 typical 1-2 KB access tokens.</summary>
    public const long BudgetBytes = 32L * 1024 * 1024;

    /// <summary>Entra ID, Auth0 and Supabase access tokens are 1-4 KB; 16 K characters leaves room for large group claims.</summary>
    public const int MaxTokenChars = 16 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _bytes;
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>The budget this instance keeps to.</summary>
    public long Budget => budgetBytes;

    /// <summary>Tokens longer than this are validated every time, never remembered.</summary>
    public int MaxToken => maxTokenChars;

    /// <summary>What the remembered entries are estimated to occupy (<see cref="EstimateBytes"/>); never over <see cref="Budget"/>.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _entries.Count;

    public bool TryGet(string token, out ClaimsIdentity identity)
    {
        if (_entries.TryGetValue(token, out var entry))
        {
            if (time.GetUtcNow() < entry.Until)
            {
                identity = entry.Identity.Clone();
                return true;
            }

            Forget(token, entry);
        }

        identity = null!;
        return false;
    }

    public void Remember(string token, ClaimsIdentity identity, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        var until = expires < now + RememberFor ? expires : now + RememberFor;
        if (token.Length > maxTokenChars || until <= now)
        {
            return;
        }

        // A copy that keeps only the claims: the validator's identity refers to the parsed token and all it decoded.
        var copy = new ClaimsIdentity(identity.Claims.Select(c => new Claim(c.Type, c.Value, c.ValueType, c.Issuer)),
            identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType);
        var entry = new Entry(copy, until, EstimateBytes(token, copy));
        if (entry.Bytes > budgetBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (now >= _nextSweep)
            {
                foreach (var (key, old) in _entries)
                {
                    if (old.Until <= now)
                    {
                        Forget(key, old);
                    }
                }

                _nextSweep = now + SweepEvery;
            }

            var replaced = _entries.TryGetValue(token, out var previous) ? previous.Bytes : 0;
            if (Bytes - replaced + entry.Bytes > budgetBytes)
            {
                EvictClosestToExpiry(budgetBytes - budgetBytes / 10 - entry.Bytes);
            }

            if (_entries.TryGetValue(token, out previous))
            {
                Forget(token, previous);
            }

            if (_entries.TryAdd(token, entry))
            {
                Interlocked.Add(ref _bytes, entry.Bytes);
            }
        }
    }

    /// <summary>
    /// The token and the claims' strings (UTF-16), plus fixed costs measured on .NET 10 (x64): each Claim object with
    /// its share of the identity's list, and per entry the ClaimsIdentity, the record and its dictionary node.
    /// </summary>
    internal static long EstimateBytes(string token, ClaimsIdentity identity)
    {
        long bytes = EntryOverhead + StringBytes(token);
        foreach (var claim in identity.Claims)
        {
            bytes += ClaimOverhead + StringBytes(claim.Type) + StringBytes(claim.Value);
        }

        return bytes;
    }

    private const long EntryOverhead = 512;
    private const long ClaimOverhead = 160;

    private static long StringBytes(string s) => 22 + 2L * s.Length;

    private void EvictClosestToExpiry(long target)
    {
        foreach (var (key, entry) in _entries.ToArray().OrderBy(e => e.Value.Until))
        {
            if (Bytes <= target)
            {
                return;
            }

            Forget(key, entry);
        }
    }

    /// <summary>Removes exactly this entry (not a newer one for the same token) and gives its bytes back.</summary>
    private void Forget(string token, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<string, Entry>(token, entry)))
        {
            Interlocked.Add(ref _bytes, -entry.Bytes);
        }
    }

    private sealed record Entry(ClaimsIdentity Identity, DateTimeOffset Until, long Bytes);
}
