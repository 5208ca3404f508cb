using BookingFunctions.Health;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>GET /api/health behind a function key (a probe or an availability test sends it as x-functions-key).</summary>
public sealed class HealthCheck(HealthHandler handler)
{
    [Function("Health")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Health)] HttpRequest req,
        CancellationToken ct) => handler.HandleAsync(req, ct);
}
