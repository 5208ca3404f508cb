using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Monitoring;

/// <summary>
/// GET /api/audit (staff): runs check_for_double_bookings() now and shows what it finds — the staff board's "latest
/// audit findings". It recounts every active booking, so clients call it on demand or every minute or so, not on
/// every refresh. The monitor's timer keeps logging findings as before; this route only reads.
/// </summary>
public sealed class AuditHandler(InventoryAction action, DoubleBookingMonitor monitor, TimeProvider time)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct) =>
        action.StaffAsync(request, async (_, token) =>
        {
            var checkedAt = time.GetUtcNow();
            var findings = await monitor.FindingsAsync(token);
            return TypedResults.Ok(new AuditResponse(checkedAt, findings.Count == 0, findings.Select(AuditFindingResponse.From).ToList()));
        }, ct);
}
