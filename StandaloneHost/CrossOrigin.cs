using BookingFunctions.Bookings;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BookingFunctions.StandaloneHost;

/// <summary>The standalone host's CORS policy, built from <see cref="CrossOriginOptions"/> (validated on start).</summary>
internal static class CrossOrigin
{
    /// <summary>Request headers a browser client sends: the token, the JSON body, the retry key.</summary>
    private static readonly string[] RequestHeaders = [HeaderNames.Authorization, HeaderNames.ContentType, CreateBookingHandler.IdempotencyKeyHeader];

    /// <summary>
    /// Response headers a browser client must be able to read: where the booking is, when to retry, why 401, and that a
    /// 201 replays an earlier answer for its Idempotency-Key.
    /// </summary>
    private static readonly string[] ExposedHeaders =
        [HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.WWWAuthenticate, CreateBookingHandler.IdempotentReplayedHeader];

    private static readonly string[] Methods = ["GET", "HEAD", "POST"];

    public static IServiceCollection AddCrossOrigin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CrossOriginOptions>().Bind(configuration.GetSection(CrossOriginOptions.Section))
            .Validate(CrossOriginOptions.IsValid,
                $"{CrossOriginOptions.Section}: AllowedOrigins are scheme://host[:port] origins, or \"*\" alone and only without AllowCredentials; PreflightMaxAge 0..1 day.")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, ours) => cors.AddDefaultPolicy(policy =>
        {
            var o = ours.Value;
            if (o.AllowsAnyOrigin)
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. o.AllowedOrigins]);
            }

            if (o.AllowCredentials)
            {
                policy.AllowCredentials();
            }

            policy.WithMethods(Methods).WithHeaders(RequestHeaders).WithExposedHeaders(ExposedHeaders).SetPreflightMaxAge(o.PreflightMaxAge);
        }));
        return services;
    }
}
