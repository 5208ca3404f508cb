using BookingFunctions.Bookings;
using BookingFunctions.Database;
using BookingFunctions.Errors;
using BookingFunctions.Health;
using BookingFunctions.Identity;
using BookingFunctions.Inventory;
using BookingFunctions.Monitoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions;

/// <summary>The one registration both hosts call: options (validated on start), data source, identity, handlers, monitor.</summary>
public static class BookingServiceCollectionExtensions
{
    public static IServiceCollection AddBooking(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<BookingOptions>().Bind(configuration.GetSection(BookingOptions.Section))
            .Validate(BookingOptions.IsValid, "Booking: HoldTtl must be in (0, 1 day], MaxRequestBodyBytes 256..1 MiB, MaxBatchSize 1..1000, ConcurrentBatches 1..64, IdempotencyKeyRetention from HoldTtl to 365 days, the rest in range.")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(o =>
            {
                o.ConnectionString ??= configuration.GetConnectionString(DatabaseOptions.ConnectionStringName)
                    ?? configuration[DatabaseOptions.ConnectionStringName];
                o.ReadOnlyConnectionString ??= configuration.GetConnectionString(DatabaseOptions.ReadOnlyConnectionStringName)
                    ?? configuration[DatabaseOptions.ReadOnlyConnectionStringName];
            })
            .Validate(DatabaseOptions.IsValid, $"Set ConnectionStrings:{DatabaseOptions.ConnectionStringName} (or the {DatabaseOptions.ConnectionStringName} app setting).")
            .ValidateOnStart();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section))
            .Validate(AuthOptions.IsValid, "Booking:Auth needs Audience and exactly one of Authority or DevSigningKey (≥ 32 bytes, with Issuer).")
            .ValidateOnStart();
        services.AddOptions<MonitorOptions>().Bind(configuration.GetSection(MonitorOptions.Section))
            .Configure(o => o.Schedule = configuration[MonitorOptions.ScheduleSetting] is { Length: > 0 } s ? s : o.Schedule)
            .Validate(MonitorOptions.IsValid, $"{MonitorOptions.ScheduleSetting} must be a six-field CRON expression (seconds first).")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddProblemDetails();

        // One pool for the decisions (the primary); a host-registered TokenCredential (or DefaultAzureCredential) when
        // Entra ID is on. Availability and booking reads use the keyed one: a replica's pool, or the same pool.
        services.TryAddSingleton<NpgsqlDataSource>(BookingDataSource.Build);
        services.TryAddKeyedSingleton<NpgsqlDataSource>(BookingDataSource.ReadsKey, BookingDataSource.BuildReads);

        services.TryAddSingleton<DatabaseOutageLog>();
        services.TryAddSingleton<DatabaseCalls>();
        // the same calls over the read data source (a hot standby when configured): availability and booking reads
        services.TryAddKeyedSingleton<DatabaseCalls>(BookingDataSource.ReadsKey, (sp, _) => new DatabaseCalls(
            sp.GetRequiredKeyedService<NpgsqlDataSource>(BookingDataSource.ReadsKey), sp.GetRequiredService<IOptions<BookingOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DatabaseOutageLog>()));
        services.TryAddSingleton<BearerTokenValidator>();
        services.TryAddSingleton<CallerAuthenticator>();
        services.TryAddSingleton<DatabaseErrorMapper>();
        services.TryAddSingleton<BookingBatcher>();
        services.TryAddSingleton<AvailabilityBatcher>();
        services.TryAddSingleton<BookingStore>();
        services.TryAddSingleton<BookingAction>();
        services.TryAddSingleton<CreateBookingHandler>();
        services.TryAddSingleton<AvailabilityHandler>();
        services.TryAddSingleton<AssignItemHandler>();
        services.TryAddSingleton<ConfirmBookingHandler>();
        services.TryAddSingleton<CancelBookingHandler>();
        services.TryAddSingleton<GetBookingHandler>();
        services.TryAddSingleton<ListBookingsHandler>();
        services.TryAddSingleton<GetBookingGroupHandler>();
        services.TryAddSingleton<ConfirmBookingGroupHandler>();
        services.TryAddSingleton<CancelBookingGroupHandler>();
        services.TryAddSingleton<AuditStatus>();
        services.AddInventory();
        services.TryAddSingleton<DoubleBookingMonitor>();
        services.TryAddSingleton<AuditHandler>();
        services.TryAddSingleton<DatabaseProbe>();
        services.TryAddSingleton<HealthHandler>();
        services.TryAddTransient<MigrationRunner>();
        return services;
    }
}
