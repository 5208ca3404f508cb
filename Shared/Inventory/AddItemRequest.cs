namespace BookingFunctions.Inventory;

/// <summary>Body of POST /api/accommodations/{id}/items: a room, by the label staff know it by ("H101").</summary>
public sealed record AddItemRequest(string? Label)
{
    public const int MaxLabelLength = 100;

    internal Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(Label) || Label.Length > MaxLabelLength)
        {
            errors["label"] = [$"label must have 1 to {MaxLabelLength} characters."];
        }

        return errors;
    }
}
