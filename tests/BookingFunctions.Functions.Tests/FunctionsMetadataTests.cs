using System.Reflection;
using System.Text.RegularExpressions;
using BookingFunctions.Http;
using BookingFunctions.Monitoring;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace BookingFunctions.Functions.Tests;

/// <summary>
/// The functions.metadata the SDK generated into the build output (what the host reads) against the code: the
/// expectations come from the function classes' own attributes and the route table, found by reflection, so a
/// new function is covered without editing this file.
/// </summary>
public sealed partial class FunctionsMetadataTests
{
    private static readonly IReadOnlyList<FunctionEntry> Generated = FunctionsMetadata.Read(FunctionsApp.MetadataFile);

    private static readonly IReadOnlyList<DeclaredFunction> Declared = FunctionsApp.Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
        .Select(DeclaredFunction.From)
        .ToList();

    [Fact]
    public void Every_function_class_method_is_in_functions_metadata_with_its_entry_point_and_nothing_else_is()
    {
        // Assert
        Assert.NotEmpty(Declared);
        Assert.Equal(Declared.Select(d => d.Name).Order(StringComparer.Ordinal), Generated.Select(g => g.Name).Order(StringComparer.Ordinal));
        foreach (var declared in Declared)
        {
            var generated = Generated.Single(g => g.Name == declared.Name);
            Assert.Equal($"{declared.Method.DeclaringType!.FullName}.{declared.Method.Name}", generated.EntryPoint);
            Assert.Equal(Path.GetFileName(FunctionsApp.Assembly.Location), generated.ScriptFile);
            Assert.Equal(declared.TriggerParameter.Name, FunctionEntry.String(generated.Trigger, "name"));
            Assert.Equal("In", FunctionEntry.String(generated.Trigger, "direction"));
        }
    }

    [Fact]
    public void Every_trigger_in_the_code_is_one_this_test_knows_how_to_check()
    {
        // Assert
        Assert.All(Declared, d => Assert.True(d.Trigger is HttpTriggerAttribute or TimerTriggerAttribute,
            $"{d.Name} uses {d.Trigger.GetType().Name}: teach {nameof(FunctionsMetadataTests)} what its metadata must say."));
    }

    [Fact]
    public void HTTP_functions_have_the_methods_route_and_auth_level_of_their_attribute_and_routes_from_the_route_table()
    {
        var routeTable = typeof(Routes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name != nameof(Routes.Prefix))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var declared in Declared.Where(d => d.Trigger is HttpTriggerAttribute))
        {
            var attribute = (HttpTriggerAttribute)declared.Trigger;
            var generated = Generated.Single(g => g.Name == declared.Name);

            // Assert
            Assert.Equal("httpTrigger", generated.TriggerType);
            Assert.Equal(
                (attribute.Methods ?? []).Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal),
                generated.Methods.Select(m => m.ToUpperInvariant()).Order(StringComparer.Ordinal));
            Assert.Equal(attribute.Route, generated.Route);
            Assert.Contains(generated.Route!, routeTable);
            Assert.Equal(attribute.AuthLevel.ToString(), FunctionEntry.String(generated.Trigger, "authLevel"));
            Assert.Contains(generated.Bindings, b => FunctionEntry.String(b, "type") == "http" && FunctionEntry.String(b, "direction") == "Out");
        }
    }

    [Fact]
    public void Every_HTTP_function_that_answers_GET_also_answers_HEAD()
    {
        var getters = Generated.Where(g => g.IsHttp && g.Methods.Contains("get", StringComparer.OrdinalIgnoreCase)).ToList();

        // Assert
        Assert.NotEmpty(getters);
        Assert.All(getters, g => Assert.Contains("head", g.Methods, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Timer_functions_read_their_CRON_schedule_from_an_app_setting_and_the_monitor_from_its_own()
    {
        var timers = Declared.Where(d => d.Trigger is TimerTriggerAttribute).ToList();

        // Assert
        Assert.NotEmpty(timers);
        foreach (var declared in timers)
        {
            var generated = Generated.Single(g => g.Name == declared.Name);
            Assert.Equal("timerTrigger", generated.TriggerType);
            Assert.Equal(((TimerTriggerAttribute)declared.Trigger).Schedule, FunctionEntry.String(generated.Trigger, "schedule"));
            Assert.Matches(AppSettingReference(), FunctionEntry.String(generated.Trigger, "schedule"));
        }

        var monitor = Assert.Single(timers, t => t.Method.DeclaringType!.GetConstructors().Single().GetParameters()
            .Any(p => p.ParameterType == typeof(DoubleBookingMonitor)));
        Assert.Equal($"%{MonitorOptions.ScheduleSetting}%", FunctionEntry.String(Generated.Single(g => g.Name == monitor.Name).Trigger, "schedule"));
    }

    [GeneratedRegex("^%[A-Za-z0-9_]+%$")]
    private static partial Regex AppSettingReference();

    /// <summary>A [Function] method and its one trigger parameter, as written in the code.</summary>
    private sealed record DeclaredFunction(string Name, MethodInfo Method, ParameterInfo TriggerParameter, TriggerBindingAttribute Trigger)
    {
        public static DeclaredFunction From(MethodInfo method)
        {
            var (parameter, trigger) = method.GetParameters()
                .Select(p => (p, p.GetCustomAttribute<TriggerBindingAttribute>()))
                .Single(t => t.Item2 is not null);
            return new DeclaredFunction(method.GetCustomAttribute<FunctionAttribute>()!.Name, method, parameter, trigger!);
        }
    }
}
