namespace BookingFunctions.DevRunner;

/// <summary>A problem with the environment, told to the user in one sentence instead of a stack trace.</summary>
internal sealed class DevRunnerException(string message) : Exception(message);
