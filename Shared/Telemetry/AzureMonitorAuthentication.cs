namespace BookingFunctions.Telemetry;

/// <summary>
/// APPLICATIONINSIGHTS_AUTHENTICATION_STRING, as the Functions host reads it: "Authorization=AAD" for the
/// system-assigned identity, "Authorization=AAD;ClientId=&lt;id&gt;" for a user-assigned one. Anything else: no Entra auth.
/// </summary>
public sealed record AzureMonitorAuthentication(string? ClientId)
{
    public static AzureMonitorAuthentication? Parse(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return null;
        }

        string? authorization = null, clientId = null;
        foreach (var part in setting.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2)
            {
                continue;
            }

            if (string.Equals(pair[0], "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                authorization = pair[1];
            }
            else if (string.Equals(pair[0], "ClientId", StringComparison.OrdinalIgnoreCase) && pair[1].Length > 0)
            {
                clientId = pair[1];
            }
        }

        return string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase) ? new AzureMonitorAuthentication(clientId) : null;
    }
}
