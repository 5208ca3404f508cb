using System.Runtime.Versioning;
using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// A value PostgreSQL cannot take (SQLSTATE class 22, data exception: a NUL in text, a number out of range, an
/// unparsable literal) or one Npgsql cannot even encode (a lone UTF-16 surrogate) comes from the caller's input, not
/// from a fault of ours: it is a 400 problem, its detail carries no database text, and it is logged as a warning
/// with its SQLSTATE, never as an unhandled 500.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DataErrorMappingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string InvalidValueType = "urn:bookingfunctions:problem:invalid-value";

    private static (DatabaseErrorMapper Mapper, FakeLogger<DatabaseErrorMapper> Log) Mapper()
    {
        var log = new FakeLogger<DatabaseErrorMapper>();
        return (new DatabaseErrorMapper(Options.Create(new BookingOptions()), log), log);
    }

    [Theory]
    [InlineData("22021", "invalid byte sequence for encoding \"UTF8\": 0x00")]
    [InlineData("22P02", "invalid input syntax for type uuid: \"x\"")]
    [InlineData("22001", "value too long for type character varying(200)")]
    [InlineData("22003", "integer out of range")]
    [InlineData("22008", "date/time field value out of range: \"2026-13-01\"")]
    [InlineData("22007", "invalid input syntax for type date: \"soon\"")]
    [InlineData("22023", "invalid parameter value")]
    public void Every_data_exception_is_a_400_problem_without_the_database_text(string sqlState, string databaseText)
    {
        var (mapper, log) = Mapper();

        // Act
        var mapped = mapper.TryMap(new PostgresException(databaseText, "ERROR", "ERROR", sqlState), out var result);

        // Assert
        Assert.True(mapped, $"{sqlState} is left to become a 500");
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal((400, InvalidValueType), (problem.StatusCode, problem.ProblemDetails.Type));
        Assert.DoesNotContain(databaseText, problem.ProblemDetails.Detail ?? "", StringComparison.Ordinal);
        var entry = Assert.Single(log.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains(sqlState, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NUL_character_sent_to_PostgreSQL_comes_back_as_a_400_problem_and_a_warning()
    {
        var ct = TestContext.Current.CancellationToken;
        var (mapper, log) = Mapper();
        await using var cmd = fixture.Database.App.CreateCommand(
            "select create_booking_with_atomic_lock(gen_random_uuid(), $1, current_date + 30, current_date + 31)");
        cmd.Parameters.AddWithValue("guest-\u0000-x");

        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => cmd.ExecuteScalarAsync(ct));
        var mapped = mapper.TryMap(error, out var result);

        // Assert
        Assert.Equal("22021", Assert.IsType<PostgresException>(error).SqlState);
        Assert.True(mapped);
        Assert.Equal((400, InvalidValueType), (((ProblemHttpResult)result).StatusCode, ((ProblemHttpResult)result).ProblemDetails.Type));
        Assert.Equal(LogLevel.Warning, Assert.Single(log.Collector.GetSnapshot()).Level);
    }

    [Fact]
    public async Task A_string_Npgsql_cannot_encode_is_a_400_problem_too()
    {
        var ct = TestContext.Current.CancellationToken;
        var (mapper, _) = Mapper();
        await using var cmd = fixture.Database.App.CreateCommand(
            "select create_booking_with_atomic_lock(gen_random_uuid(), $1, current_date + 30, current_date + 31)");
        cmd.Parameters.AddWithValue("guest-\ud800-x");

        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => cmd.ExecuteScalarAsync(ct));
        var mapped = mapper.TryMap(error, out var result);

        // Assert
        Assert.True(mapped, $"{error.GetType().Name} is left to become a 500");
        Assert.Equal((400, InvalidValueType), (((ProblemHttpResult)result).StatusCode, ((ProblemHttpResult)result).ProblemDetails.Type));
    }

    [Fact]
    public void Errors_that_are_ours_stay_unmapped_so_they_are_logged_as_500s()
    {
        var (mapper, _) = Mapper();

        // Act & Assert: an undefined function or a broken grant is a bug or a deployment fault, not bad input
        Assert.False(mapper.TryMap(new PostgresException("function does not exist", "ERROR", "ERROR", "42883"), out _));
        Assert.False(mapper.TryMap(new PostgresException("permission denied", "ERROR", "ERROR", "42501"), out _));
        Assert.False(mapper.TryMap(new PostgresException("exclusion violation", "ERROR", "ERROR", "23P01"), out _));
    }
}
