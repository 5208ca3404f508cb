using BookingFunctions.Http;
using BookingFunctions.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>GET /api/audit (staff): the same audit the timer runs, on demand, answered instead of logged.</summary>
public sealed class GetAudit(AuditHandler handler)
{
    [Function(nameof(GetAudit))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Audit)] HttpRequest req,
        CancellationToken ct) => handler.HandleAsync(req, ct);
}
