using BookingFunctions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// Azure Functions isolated worker with ASP.NET Core integration: HttpRequest in, IResult out, so the
// handlers in Shared run unchanged here and in the standalone host.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBooking(builder.Configuration);
builder.Build().Run();
