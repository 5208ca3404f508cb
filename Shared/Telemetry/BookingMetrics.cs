using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BookingFunctions.Telemetry;

/// <summary>
/// Every instrument of the app's Meter, and the only tags they carry. Tag values come from small fixed sets
/// (problem types, SQL function names, SQLSTATEs, audit issue names): never an id, a guest, a token or an
/// argument, so no series can identify a person and cardinality stays bounded. Names and tags are listed in
/// README "Monitoring".
/// </summary>
public static class BookingMetrics
{
    public const string BookingsCreatedName = "booking.bookings.created";
    public const string RequestsRefusedName = "booking.requests.refused";
    public const string RequestsUnavailableName = "booking.requests.unavailable";
    public const string BatchSizeName = "booking.batch.size";
    public const string DatabaseCallDurationName = "booking.db.call.duration";
    public const string AuditFindingsName = "booking.audit.findings";
    public const string AuditRunsName = "booking.audit.runs";
    public const string HoldsExpiredName = "booking.holds.expired";
    public const string ReplaysName = "booking.idempotency.replays";
    public const string LateConfirmationsName = "booking.confirmations.late";

    /// <summary>Tag on refusals and 503s: the problem type's last segment (fully-booked, validation, busy …).</summary>
    public const string ReasonTag = "reason";

    /// <summary>Tag on batch sizes: which batcher sent it (booking, availability).</summary>
    public const string BatcherTag = "batcher";

    /// <summary>Tag on database call durations: the SQL function called.</summary>
    public const string FunctionTag = "db.function";

    /// <summary>Tag on failed database calls: the SQLSTATE, or the exception type when the server never answered.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag on audit findings: oversold_night, item_double_assigned, counter_drift.</summary>
    public const string IssueTag = "issue";

    /// <summary>Tag on audit runs: clean, findings or failed. On replays: replayed (answered again) or expired (key past its retention).</summary>
    public const string OutcomeTag = "outcome";

    /// <summary>Tag on replays and late confirmations: booking (one room on its own) or group.</summary>
    public const string KindTag = "kind";

    private const string ProblemTypePrefix = "urn:bookingfunctions:problem:";

    private static readonly Counter<long> BookingsCreated = BookingTelemetry.Meter.CreateCounter<long>(
        BookingsCreatedName, "{booking}", "Bookings answered 201 Created (an idempotent replay is answered, and counted, again).");

    private static readonly Counter<long> RequestsRefused = BookingTelemetry.Meter.CreateCounter<long>(
        RequestsRefusedName, "{request}", "Requests answered with a 4xx problem, by reason (the problem type).");

    private static readonly Counter<long> RequestsUnavailable = BookingTelemetry.Meter.CreateCounter<long>(
        RequestsUnavailableName, "{request}", "Requests answered 503 + Retry-After: busy (lock timeout) or service-unavailable (database unreachable).");

    private static readonly Histogram<int> BatchSize = BookingTelemetry.Meter.CreateHistogram(
        BatchSizeName, "{request}", "Requests sent together in one database call by a batcher (1: a lone request on the single-call path).",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000] });

    private static readonly Histogram<double> DatabaseCallDuration = BookingTelemetry.Meter.CreateHistogram(
        DatabaseCallDurationName, "s", "Duration of one database function call, connection and retries included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> AuditFindings = BookingTelemetry.Meter.CreateCounter<long>(
        AuditFindingsName, "{finding}", "Invariant violations reported by check_for_double_bookings(), by issue.");

    private static readonly Counter<long> AuditRuns = BookingTelemetry.Meter.CreateCounter<long>(
        AuditRunsName, "{run}", "Audit runs, by outcome (clean, findings, failed).");

    private static readonly Counter<long> HoldsExpired = BookingTelemetry.Meter.CreateCounter<long>(
        HoldsExpiredName, "{booking}", "Stale holds released by the monitor's expire_stale_holds() calls.");

    private static readonly Counter<long> Replays = BookingTelemetry.Meter.CreateCounter<long>(
        ReplaysName, "{request}", "Create requests whose Idempotency-Key had booked before, by kind and outcome (replayed: the stored answer again; expired: 422, the key is past its retention).");

    private static readonly Counter<long> LateConfirmations = BookingTelemetry.Meter.CreateCounter<long>(
        LateConfirmationsName, "{booking}", "Bookings confirmed after their hold had expired, their nights taken again, by kind (booking or group).");

    /// <summary>Counts bookings answered 201 Created: one, or the rooms of a group.</summary>
    public static void BookingCreated(int bookings = 1) => BookingsCreated.Add(bookings);

    /// <param name="group">The request was a group.</param>
    /// <param name="expired">The key was past its retention (answered 422) rather than replayed.</param>
    public static void Replay(bool group, bool expired) => Replays.Add(1,
        new KeyValuePair<string, object?>(KindTag, group ? "group" : "booking"),
        new KeyValuePair<string, object?>(OutcomeTag, expired ? "expired" : "replayed"));

    public static void LateConfirmed(int bookings, bool group)
    {
        if (bookings > 0)
        {
            LateConfirmations.Add(bookings, new KeyValuePair<string, object?>(KindTag, group ? "group" : "booking"));
        }
    }

    /// <summary>Counts a problem response by its type: 503s as unavailable, everything else as a refusal.</summary>
    public static void Problem(string problemType, int status)
    {
        ArgumentNullException.ThrowIfNull(problemType);
        var reason = problemType.StartsWith(ProblemTypePrefix, StringComparison.Ordinal) ? problemType[ProblemTypePrefix.Length..] : "other";
        (status == 503 ? RequestsUnavailable : RequestsRefused).Add(1, new KeyValuePair<string, object?>(ReasonTag, reason));
    }

    public static void BatchSent(string batcher, int size) =>
        BatchSize.Record(size, new KeyValuePair<string, object?>(BatcherTag, batcher));

    public static void DatabaseCall(string function, TimeSpan duration, string? errorType)
    {
        var tags = new TagList { { FunctionTag, function } };
        if (errorType is not null)
        {
            tags.Add(ErrorTypeTag, errorType);
        }

        DatabaseCallDuration.Record(duration.TotalSeconds, tags);
    }

    public static void AuditFinding(string issue) => AuditFindings.Add(1, new KeyValuePair<string, object?>(IssueTag, issue));

    public static void AuditRun(string outcome) => AuditRuns.Add(1, new KeyValuePair<string, object?>(OutcomeTag, outcome));

    public static void StaleHoldsExpired(int count)
    {
        if (count > 0)
        {
            HoldsExpired.Add(count);
        }
    }
}
