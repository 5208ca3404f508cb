using BookingFunctions.Bookings;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// POST /api/bookings answers 201 with a booking or, for "rooms", a group: the document says both (oneOf), and the
/// headers a client reads on it (Location, Idempotent-Replayed).
/// </summary>
internal static class OpenApiCreateBookingAnswer
{
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name != "CreateBookingSecurely" || operation.Responses is null || !operation.Responses.TryGetValue("201", out var response)
            || response is not OpenApiResponse created || created.Content is null
            || !created.Content.TryGetValue("application/json", out var media) || media.Schema is not { } booking)
        {
            return Task.CompletedTask;
        }

        media.Schema = new OpenApiSchema
        {
            Description = "A booking (one stay), or the group and its bookings (rooms).",
            OneOf = [booking, new OpenApiSchemaReference(nameof(BookingGroupResponse), context.Document)],
        };
        created.Description = "Booked, or the stored answer to an earlier request with this Idempotency-Key (Idempotent-Replayed: true).";
        created.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
        created.Headers["Location"] = new OpenApiHeader
        {
            Description = "/api/bookings/{id} for a booking, /api/booking-groups/{id} for a group.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        };
        created.Headers[CreateBookingHandler.IdempotentReplayedHeader] = new OpenApiHeader
        {
            Description = "\"true\" when this answer replays an earlier request with the same Idempotency-Key: the stored bookings with their current status (they may have been cancelled or expired since). Absent on a fresh booking.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] },
        };
        return Task.CompletedTask;
    }
}
