using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// Declares the bearer scheme and which operations need it: all but the public availability check and the health
/// probe, which say so with an explicit empty requirement (no document-wide default to fall back on).
/// </summary>
internal static class OpenApiSecurity
{
    public const string Scheme = "Bearer";

    public static Task AddBearerScheme(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from the configured OpenID Connect authority; its subject is the guest.",
        };
        return Task.CompletedTask;
    }

    public static Task RequireBearer(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Security ??= [];
        if (operation.OperationId is "CheckAvailability" or "Health")
        {
            // one empty requirement object: "no authentication", rather than "not stated"
            operation.Security.Add(new OpenApiSecurityRequirement());
            return Task.CompletedTask;
        }

        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] });
        return Task.CompletedTask;
    }
}
