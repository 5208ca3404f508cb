using BookingFunctions.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// What client generators and API portals expect of the document beyond the operations: a title and description,
/// a license, tag descriptions, and server URLs without a trailing slash (a generator appends "/api/…" to them).
/// Checked by Redocly CLI's recommended ruleset in ./test (OpenApiLintTests).
/// </summary>
internal static class OpenApiDocumentInfo
{
    public static Task Describe(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "BookingFunctions";
        document.Info.Description =
            "Rooms per night, sold without ever selling the last one twice: every inventory decision is made inside PostgreSQL, " +
            "in one transaction, under row locks. Errors are application/problem+json (RFC 9457) with a stable type URN.";
        // No licence is granted for this code (the repository carries none), so the document says exactly that.
        document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };

        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = BookingApi.Tags.Bookings, Description = "Hold, assign, confirm, cancel and read bookings. A bearer token is required; the guest is its subject." },
            new() { Name = BookingApi.Tags.Availability, Description = "Public, briefly cacheable availability answers. Never blocked by bookers." },
            new() { Name = BookingApi.Tags.Operations, Description = "For probes and operators: health of this instance and its database." },
        };

        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        return Task.CompletedTask;
    }
}
