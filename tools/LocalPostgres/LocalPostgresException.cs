namespace BookingFunctions.LocalPostgres;

/// <summary>The local cluster could not be started; the message says what to do about it.</summary>
public sealed class LocalPostgresException(string message, Exception? inner = null) : Exception(message, inner);
