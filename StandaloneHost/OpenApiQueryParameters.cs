using BookingFunctions.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace BookingFunctions.StandaloneHost;

/// <summary>Documents the query parameters endpoints declare with <see cref="QueryParameter"/>.</summary>
internal static class OpenApiQueryParameters
{
    public static Task Add(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<QueryParameter>().ToList();
        if (declared.Count == 0)
        {
            return Task.CompletedTask;
        }

        operation.Parameters ??= [];
        foreach (var p in declared)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = p.Name,
                In = ParameterLocation.Query,
                Required = p.Required,
                Description = p.Description,
                Schema = new OpenApiSchema
                {
                    Type = p.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String,
                    Format = p.Format,
                },
            });
        }

        return Task.CompletedTask;
    }
}
