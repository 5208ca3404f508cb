using System.Net.Sockets;
using Npgsql;

namespace BookingFunctions.Database;

/// <summary>
/// How a call that reached the server lost its backend, and what that says about the call's own transaction. Used by
/// the batchers: a batch carries many callers' requests, and one terminated backend must not fail them all.
/// </summary>
internal static class BackendLoss
{
    /// <summary>
    /// The backend went away while the call was in flight: the server ended the session (57P01 terminated by an
    /// administrator or a fast shutdown, 57P02 after another backend crashed), or the connection broke mid-read.
    /// Not a failure to connect at all (refused, timed out, 57P03 starting up), which says the server is not there.
    /// </summary>
    public static bool CutOff(Exception e) => e switch
    {
        PostgresException p => p.SqlState is "57P01" or "57P02",
        NpgsqlException n => n.InnerException is IOException && !Unreachable(e),
        _ => false,
    };

    /// <summary>
    /// The server itself answered the statement with the end of its session: that statement's transaction was rolled
    /// back, so sending it again cannot book twice. A broken connection says nothing about a commit.
    /// </summary>
    public static bool RolledBack(Exception e) => e is PostgresException { SqlState: "57P01" or "57P02" };

    /// <summary>No session could be had: the server refused, did not answer in time, or is starting or stopping.</summary>
    public static bool Unreachable(Exception e) => e switch
    {
        PostgresException p => p.SqlState is "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.InnerException is SocketException or TimeoutException,
        TimeoutException => true,
        _ => false,
    };
}
