using BookingFunctions.Database;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>The whole SQLSTATE table in one place, and the retry rule for 40001/40P01.</summary>
public sealed class DatabaseErrorMapperTests
{
    private static readonly DatabaseErrorMapper Mapper = new(Options.Create(new BookingOptions()), NullLogger<DatabaseErrorMapper>.Instance);

    private static PostgresException Error(string sqlState, string message = "Guest-readable message.") =>
        new(message, "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("BK001", 409, ProblemTypes.FullyBooked)]
    [InlineData("BK002", 404, ProblemTypes.AccommodationNotFound)]
    [InlineData("BK003", 400, ProblemTypes.InvalidStay)]
    [InlineData("BK004", 409, ProblemTypes.NoFreeItem)]
    [InlineData("BK005", 409, ProblemTypes.HoldExpired)]
    [InlineData("BK006", 404, ProblemTypes.BookingNotFound)]
    [InlineData("BK007", 422, ProblemTypes.IdempotencyKeyReused)]
    [InlineData("BK008", 409, ProblemTypes.InvalidState)]
    [InlineData("BK009", 400, ProblemTypes.InvalidArgument)]
    public void Each_booking_error_maps_to_its_status_type_and_the_database_message_as_detail(string sqlState, int status, string type)
    {
        // Act
        var mapped = Mapper.TryMap(Error(sqlState), out var result);

        // Assert
        Assert.True(mapped);
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal((status, type, "Guest-readable message."), (problem.StatusCode, problem.ProblemDetails.Type, problem.ProblemDetails.Detail));
    }

    [Theory]
    [InlineData("55P03", ProblemTypes.Busy)]
    [InlineData("40001", ProblemTypes.Busy)]
    [InlineData("40P01", ProblemTypes.Busy)]
    [InlineData("57P01", ProblemTypes.Unavailable)]
    [InlineData("57P03", ProblemTypes.Unavailable)]
    [InlineData("53300", ProblemTypes.Unavailable)]
    [InlineData("08006", ProblemTypes.Unavailable)]
    [InlineData("57014", ProblemTypes.Unavailable)]
    public void Busy_and_unavailable_states_map_to_503_with_Retry_After(string sqlState, string type)
    {
        // Act
        var mapped = Mapper.TryMap(Error(sqlState), out var result);

        // Assert
        Assert.True(mapped);
        var withHeaders = Assert.IsType<HeaderResult>(result);
        var problem = Assert.IsType<ProblemHttpResult>(withHeaders.Inner);
        Assert.Equal((503, type), (problem.StatusCode, problem.ProblemDetails.Type));
    }

    [Fact]
    public void Connection_failures_and_timeouts_map_to_503_and_unknown_errors_are_not_ours_to_explain()
    {
        // Act & Assert
        Assert.True(Mapper.TryMap(new NpgsqlException("refused", new System.Net.Sockets.SocketException()), out var refused));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ((HeaderResult)refused).StatusCode);
        Assert.True(Mapper.TryMap(new NpgsqlException("slow", new TimeoutException()), out var timeout));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ((HeaderResult)timeout).StatusCode);
        Assert.False(Mapper.TryMap(Error("42883"), out _));
        Assert.False(Mapper.TryMap(Error("BK099"), out _));
        Assert.False(Mapper.TryMap(new InvalidOperationException(), out _));
    }

    [Fact]
    public async Task Serialization_failures_and_deadlocks_are_retried_and_lock_timeouts_are_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var calls = 0;

        // Act
        var value = await TransientRetry.RunAsync(3, TimeProvider.System, _ =>
            ++calls < 3 ? throw Error(calls == 1 ? "40001" : "40P01") : Task.FromResult(42), ct);

        // Assert
        Assert.Equal((42, 3), (value, calls));

        calls = 0;
        await Assert.ThrowsAsync<PostgresException>(() => TransientRetry.RunAsync<int>(3, TimeProvider.System, _ => { calls++; throw Error("55P03"); }, ct));
        Assert.Equal(1, calls);

        calls = 0;
        await Assert.ThrowsAsync<PostgresException>(() => TransientRetry.RunAsync<int>(3, TimeProvider.System, _ => { calls++; throw Error("40P01"); }, ct));
        Assert.Equal(3, calls);
    }
}
