namespace BookingFunctions.Bookings;

/// <summary>
/// Turns a POST /api/bookings body into what the batcher books: a booking on its own, or a group of 1–20 rooms.
/// Checked per field, a room's fields by their path ("rooms[2].checkIn"), so a client can point at the exact value.
/// </summary>
internal static class CreateBookingBody
{
    /// <returns>The order, or null with <paramref name="errors"/> filled.</returns>
    public static BookingOrder? ToOrder(CreateBookingRequest body, string guestId, string? idempotencyKey, DateOnly today,
        Dictionary<string, string[]> errors)
    {
        if (body.Rooms is not { } rooms)
        {
            var stay = Stay(body.AccommodationId, body.CheckIn, body.CheckOut, body.Guests, today, errors, prefix: "");
            return stay is null ? null : BookingOrder.One(new NewBooking(stay.AccommodationId, guestId, stay.CheckIn, stay.CheckOut,
                stay.Guests, idempotencyKey));
        }

        if (body.AccommodationId is not null || body.CheckIn is not null || body.CheckOut is not null || body.Guests is not null)
        {
            errors["body"] = ["Send either one stay (accommodationId, checkIn, checkOut, guests) or rooms, not both."];
            return null;
        }

        if (rooms.Count is < 1 or > BookingOrder.MaxRooms)
        {
            errors["rooms"] = [$"rooms must list 1 to {BookingOrder.MaxRooms} rooms."];
            return null;
        }

        var stays = new List<RoomStay>(rooms.Count);
        for (var i = 0; i < rooms.Count; i++)
        {
            var prefix = $"rooms[{i}].";
            if (rooms[i] is not { } room)
            {
                errors[$"rooms[{i}]"] = ["Each room is an object with accommodationId, checkIn, checkOut and guests."];
                continue;
            }

            if (Stay(room.AccommodationId, room.CheckIn, room.CheckOut, room.Guests, today, errors, prefix) is { } stay)
            {
                stays.Add(stay);
            }
        }

        return errors.Count > 0 ? null : BookingOrder.Group(guestId, stays, idempotencyKey);
    }

    private static RoomStay? Stay(Guid? accommodationId, string? checkIn, string? checkOut, int? guests, DateOnly today,
        Dictionary<string, string[]> errors, string prefix)
    {
        var before = errors.Count;
        if (accommodationId is not { } accommodation || accommodation == Guid.Empty)
        {
            errors[prefix + "accommodationId"] = ["accommodationId is required."];
            accommodation = Guid.Empty;
        }

        var from = StayRules.ParseDate(checkIn, prefix + "checkIn", errors);
        var to = StayRules.ParseDate(checkOut, prefix + "checkOut", errors);
        StayRules.CheckStay(from, to, today, errors, prefix);
        var count = guests ?? StayRules.MinGuests;
        StayRules.CheckGuests(count, errors, prefix);
        return errors.Count > before ? null : new RoomStay(accommodation, from!.Value, to!.Value, count);
    }
}
