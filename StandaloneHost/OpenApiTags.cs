using BookingFunctions.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BookingFunctions.StandaloneHost;

/// <summary>Describes the inventory tags in the document (every tag an operation uses needs a description).</summary>
internal static class OpenApiTags
{
    private static readonly Dictionary<string, string> Descriptions = new(StringComparer.Ordinal)
    {
        [InventoryApi.AccommodationsTag] =
            "Accommodations (room types), their rooms, closures and per-night calendar. Changes are staff only (a token with the " +
            "staff role; guests get 403); guests may read the public facts of an accommodation and its calendar's availability.",
        [InventoryApi.AvailabilityTag] = "Search across accommodations for a room that is free on every night of a stay.",
        [AuditApi.Tag] = "The double-booking audit on demand (staff): oversold nights, shared rooms and counter drift, recounted from the bookings.",
    };

    public static Task Describe(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var (name, description) in Descriptions)
        {
            if (document.Tags.FirstOrDefault(t => t.Name == name) is { } tag)
            {
                tag.Description ??= description;
            }
            else
            {
                document.Tags.Add(new OpenApiTag { Name = name, Description = description });
            }
        }

        return Task.CompletedTask;
    }
}
