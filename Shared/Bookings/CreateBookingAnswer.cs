using System.Globalization;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Bookings;

/// <summary>
/// The answer to a booked order: 201 with the booking (Location: the booking) or the group (Location: the group). A
/// replay of an Idempotency-Key says so in <see cref="ReplayedHeader"/> and shows the stored bookings with their current
/// status (a replay of a since-cancelled booking is 201 with "status": "cancelled"); a replay after the key's retention
/// window is 422 idempotency-key-expired, naming when and for what the key was used.
/// </summary>
internal static class CreateBookingAnswer
{
    /// <summary>The convention payment APIs use for "this is the answer to an earlier request with this key".</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static IResult For(BookingOrder order, BookedRooms booked, DateTimeOffset now, TimeSpan retention)
    {
        if (booked.Replayed && now - booked.CreatedAt > retention)
        {
            BookingMetrics.Replay(order.IsGroup, expired: true);
            return KeyExpired(booked, retention);
        }

        IResult created = order.IsGroup
            ? TypedResults.Created(Routes.BookingGroupLocation(booked.GroupId!.Value), new BookingGroupResponse(booked.GroupId.Value, booked.Bookings))
            : TypedResults.Created(Routes.BookingLocation(booked.Bookings[0].Id), booked.Bookings[0]);
        BookingMetrics.BookingCreated(booked.Bookings.Count);
        if (!booked.Replayed)
        {
            return created;
        }

        BookingMetrics.Replay(order.IsGroup, expired: false);
        return new HeaderResult(created, (ReplayedHeader, "true"));
    }

    private static IResult KeyExpired(BookedRooms booked, TimeSpan retention)
    {
        var usedOn = booked.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var what = booked.GroupId is { } group ? $"booking group {group}" : $"booking {booked.Bookings[0].Id}";
        return Problems.IdempotencyKeyExpired(
            $"This Idempotency-Key was used on {usedOn} for {what}; a key replays its answer for {Describe(retention)}. " +
            "Send a new key to book again.",
            booked.GroupId, booked.GroupId is null ? booked.Bookings[0].Id : null, booked.CreatedAt);
    }

    /// <summary>"24 hours", "7 days", "90 minutes": the window as people say it.</summary>
    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 2 && span.Ticks % TimeSpan.TicksPerDay == 0 ? Plural((long)span.TotalDays, "day")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? Plural((long)span.TotalHours, "hour")
        : Plural((long)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Plural(long n, string unit) => n == 1 ? $"1 {unit}" : $"{n} {unit}s";
}
