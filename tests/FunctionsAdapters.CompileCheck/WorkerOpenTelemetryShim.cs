// Stand-in for Microsoft.Azure.Functions.Worker.OpenTelemetry 1.2.0's one public method, same namespace and
// signature (ConfigureFunctionsOpenTelemetry.UseFunctionsWorkerDefaults), so Program.cs compiles here.
using OpenTelemetry;

namespace Microsoft.Azure.Functions.Worker.OpenTelemetry;

public static class ConfigureFunctionsOpenTelemetry
{
    public static IOpenTelemetryBuilder UseFunctionsWorkerDefaults(this IOpenTelemetryBuilder builder) => builder;
}
