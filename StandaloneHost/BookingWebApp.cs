using BookingFunctions.Http;
using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// Builds the standalone host. Public so tests and a dev runner can start it in-process on a URL of their
/// choice (e.g. <c>--urls http://127.0.0.1:0</c>) and adjust services or configuration first.
/// </summary>
public static class BookingWebApp
{
    public const string OpenApiDocumentName = "v1";

    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Header lines end in CRLF only. A bare LF accepted as a line end lets "Authorization: x\nForged: y" become
        // two headers here while a proxy in front sees one: the classic request-smuggling split.
        AppContext.SetSwitch("Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators", true);
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.Services.AddBooking(builder.Configuration);
        builder.Services.AddBookingTelemetry(builder.Configuration).WithTracing(t => t.AddAspNetCoreInstrumentation());
        builder.Services.AddCrossOrigin(builder.Configuration);
        builder.Services.AddOpenApi(OpenApiDocumentName, o => o
            .AddDocumentTransformer(OpenApiDocumentInfo.Describe)
            .AddDocumentTransformer(OpenApiSecurity.AddBearerScheme)
            .AddDocumentTransformer(OpenApiTags.Describe)
            .AddOperationTransformer(OpenApiSecurity.RequireBearer)
            .AddOperationTransformer(OpenApiRequestBodies.AddCreateBookingBody)
            .AddOperationTransformer(OpenApiCreateBookingAnswer.Describe)
            .AddOperationTransformer(OpenApiQueryParameters.Add));
        builder.Services.AddHostedService<MonitorService>();
        builder.Services.AddWebFrontend(builder.Configuration);

        var app = builder.Build();
        // Unhandled errors become a logged 500 problem+json without exception details.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Browsers on the configured origins: preflights are answered here, before any endpoint runs.
        app.UseCors();
        app.UseWebFrontend();
        app.MapOpenApi($"/{Routes.Prefix}/{Routes.OpenApiDocument}")
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head])); // HEAD on every GET route
        app.MapBookingApi();
        app.MapInventoryApi();
        app.MapAuditApi();
        app.MapWebFrontend();
        return app;
    }
}
