using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// Documents the request bodies: the ones endpoints declare with <see cref="JsonRequestBody"/>, and the POST /api/bookings body. The endpoint carries no Accepts metadata on purpose (its matcher
/// would answer 415 outside our problem types), so the generator cannot infer the body by itself.
/// </summary>
internal static class OpenApiRequestBodies
{
    public static async Task AddCreateBookingBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBody>().FirstOrDefault() is { } declared)
        {
            var declaredSchema = await context.GetOrCreateSchemaAsync(declared.Type, null, ct);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = declared.Description,
                Content = declared.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = declaredSchema }, StringComparer.Ordinal),
            };
            return;
        }

        var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name != "CreateBookingSecurely")
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(typeof(CreateBookingRequest), null, ct);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The stay to hold (accommodationId, checkIn, checkOut, guests), or rooms: 1 to 20 stays booked all or none " +
                          "(a field error names the room: rooms[2].checkIn). Not both. The guest is the bearer token's subject; send an " +
                          "Idempotency-Key header to retry safely (one key covers a whole group).",
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["application/json"] = new() { Schema = schema } },
        };
    }
}
