// A stand-in for the part of the Azure Functions isolated-worker public API (Microsoft.Azure.Functions.Worker 2.x,
// Worker.Extensions.Http.AspNetCore 2.x, Worker.Extensions.Timer 4.x) that the adapters use, with the same
// namespaces, type names, constructors and members. Compile-time only: see the project file for why.
#pragma warning disable CA1019, CA1813, CA1018, CA1711 // attribute shapes mirror the real ones, not our analyzers' taste

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Azure.Functions.Worker
{
    [AttributeUsage(AttributeTargets.Method)]
    public sealed class FunctionAttribute(string name) : Attribute
    {
        public string Name { get; } = name;
    }

    public enum AuthorizationLevel
    {
        Anonymous,
        User,
        Function,
        System,
        Admin,
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class HttpTriggerAttribute(AuthorizationLevel authLevel, params string[] methods) : Attribute
    {
        public AuthorizationLevel AuthLevel { get; } = authLevel;

        public IReadOnlyList<string> Methods { get; } = methods;

        public string? Route { get; set; }
    }

    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class TimerTriggerAttribute(string schedule) : Attribute
    {
        public string Schedule { get; } = schedule;

        public bool RunOnStartup { get; set; }

        public bool UseMonitor { get; set; } = true;
    }

    public class TimerInfo
    {
        public bool IsPastDue { get; set; }
    }

    public static class FunctionsApplication
    {
        public static Builder.FunctionsApplicationBuilder CreateBuilder(string[] args) => new(args);
    }
}

namespace Microsoft.Azure.Functions.Worker.Builder
{
    public sealed class FunctionsApplicationBuilder(string[] args)
    {
        private readonly HostApplicationBuilder _inner = Host.CreateApplicationBuilder(args);

        public IServiceCollection Services => _inner.Services;

        public ConfigurationManager Configuration => _inner.Configuration;

        public IHost Build() => _inner.Build();
    }
}

namespace Microsoft.Extensions.Hosting
{
    public static class FunctionsWebApplicationExtensions
    {
        public static Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder ConfigureFunctionsWebApplication(
            this Microsoft.Azure.Functions.Worker.Builder.FunctionsApplicationBuilder builder) => builder;
    }
}
