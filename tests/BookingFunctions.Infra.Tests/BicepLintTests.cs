namespace BookingFunctions.Infra.Tests;

/// <summary>Every Bicep file compiles and passes the linter's default rules without a single warning (a warning fails here).</summary>
public sealed class BicepLintTests
{
    public static TheoryData<string> BicepFiles() =>
        new(Directory.GetFiles(Repository.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Repository.Infra, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Lints_without_a_warning(string file)
    {
        // Act
        var result = await BicepCli.RunAsync(TestContext.Current.CancellationToken, "lint", file);

        // Assert
        Assert.True(result.ExitCode == 0 && result.Diagnostics.Trim().Length == 0,
            $"bicep lint {file} exited {result.ExitCode}:\n{result.Diagnostics}{result.Output}");
    }

    [Fact]
    public async Task Main_builds_to_an_ARM_template_without_a_warning()
    {
        // Act
        var result = await BicepCli.RunAsync(TestContext.Current.CancellationToken, "build", "main.bicep", "--stdout");

        // Assert
        Assert.True(result.ExitCode == 0 && result.Diagnostics.Trim().Length == 0,
            $"bicep build main.bicep exited {result.ExitCode}:\n{result.Diagnostics}");
        Assert.Contains("\"$schema\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_warning_fails_the_lint_check()
    {
        // Arrange: a file with an unused parameter, outside infra/ so the real check never sees it
        var probe = Path.Combine(Path.GetTempPath(), $"lint-probe-{Guid.NewGuid():N}.bicep");
        await File.WriteAllTextAsync(probe, "param unused string\n", TestContext.Current.CancellationToken);
        try
        {
            // Act
            var result = await BicepCli.RunAsync(TestContext.Current.CancellationToken, "lint", probe);

            // Assert: the CLI exits 0 on warnings, so only reading its diagnostics catches them
            Assert.Contains("no-unused-params", result.Diagnostics, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
