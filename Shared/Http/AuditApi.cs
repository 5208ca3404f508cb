using BookingFunctions.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BookingFunctions.Http;

/// <summary>Maps GET /api/audit for a plain ASP.NET Core host; the Functions app binds the same handler in DoubleBookingMonitor/.</summary>
public static class AuditApi
{
    public const string Tag = "Audit";

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/" + Routes.Prefix).WithTags(Tag)
            .MapGetAndHead(Routes.Audit, (HttpRequest request, AuditHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("GetAudit")
            .WithSummary("Run the double-booking audit now")
            .WithDescription("Staff only. Runs check_for_double_bookings(): oversold nights, shared rooms and counter drift, recomputed from the bookings themselves; `clean: true` with no findings when healthy. It reads every active booking: call it on demand, not on every refresh.")
            .Produces<AuditResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }
}
