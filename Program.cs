using BookingFunctions;
using BookingFunctions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Azure Functions isolated worker with ASP.NET Core integration: HttpRequest in, IResult out, so the
// handlers in Shared run unchanged here and in the standalone host. Same registration as the standalone host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBooking(builder.Configuration);
builder.Services.AddBookingTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();
