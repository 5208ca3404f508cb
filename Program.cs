using BookingFunctions;
using BookingFunctions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// Azure Functions isolated worker with ASP.NET Core integration: HttpRequest in, IResult out, so the
// handlers in Shared run unchanged here and in the standalone host. Same registration as the standalone host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBooking(builder.Configuration);
builder.Services.AddBookingTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
try
{
    builder.Build().Run();
}
catch (OptionsValidationException e)
{
    // A missing or bad app setting: one line naming it (the host logs the worker's stderr), not a crash dump.
    Console.Error.WriteLine($"BookingFunctions cannot start: {e.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    // The host sent WorkerTerminate before start-up finished (its Kestrel was still binding): that is a stop,
    // not a crash. Run() throws this only when stopping cancelled the start.
    return 0;
}

return 0;
