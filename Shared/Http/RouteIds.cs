using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Http;

/// <summary>Route ids are UUIDs; anything else is a client bug, answered before any database call.</summary>
public static class RouteIds
{
    public static bool TryParse(string? id, out Guid value, out IResult? problem) => TryParse(id, "id", out value, out problem);

    /// <summary>The same for another route value (itemId, closureId), named in the field error.</summary>
    public static bool TryParse(string? id, string field, out Guid value, out IResult? problem)
    {
        if (Guid.TryParseExact(id, "D", out value) && value != Guid.Empty)
        {
            problem = null;
            return true;
        }

        problem = Problems.Validation(field, $"{field} must be a UUID.");
        return false;
    }
}
