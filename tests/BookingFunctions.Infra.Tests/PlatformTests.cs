using System.Diagnostics;
using System.Text.Json.Nodes;

namespace BookingFunctions.Infra.Tests;

/// <summary>The database, storage and monitoring resources as deployed with the default parameters, and what leaves the deployment.</summary>
public sealed class PlatformTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private const string PostgresServer = "Microsoft.DBforPostgreSQL/flexibleServers";

    [Fact]
    public void PostgreSQL_is_16_or_newer_entra_only_allow_lists_btree_gist_and_runs_pgbouncer()
    {
        var (serverNode, scope) = compiled.Template.Single(PostgresServer);
        var server = (JsonObject)scope.Resolve(serverNode)!;
        var configurations = compiled.Template.OfType($"{PostgresServer}/configurations")
            .Select(c => (JsonObject)c.Scope.Resolve(c.Resource)!)
            .ToDictionary(c => ((string)c["name"]!).Split('/')[^1], c => (string?)c["properties"]?["value"], StringComparer.Ordinal);

        // Assert
        Assert.True(int.Parse((string)server["properties"]!["version"]!, System.Globalization.CultureInfo.InvariantCulture) >= 16);
        Assert.Equal("Enabled", (string?)server["properties"]!["authConfig"]?["activeDirectoryAuth"]);
        Assert.Equal("Disabled", (string?)server["properties"]!["authConfig"]?["passwordAuth"]);
        Assert.Contains("BTREE_GIST", (configurations["azure.extensions"] ?? "").Split(',', StringSplitOptions.TrimEntries), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("true", configurations["pgbouncer.enabled"]);
        Assert.NotEqual("Burstable", (string?)server["sku"]?["tier"]); // PgBouncer is not offered there
        Assert.Single(compiled.Template.OfType($"{PostgresServer}/administrators"));
        Assert.Single(compiled.Template.OfType($"{PostgresServer}/databases"));
    }

    [Fact]
    public void Storage_refuses_shared_keys_and_the_app_identity_holds_a_blob_data_role_on_it()
    {
        var (accountNode, scope) = compiled.Template.Single("Microsoft.Storage/storageAccounts");
        var account = (JsonObject)scope.Resolve(accountNode)!;
        var roles = RoleDefinitions();

        // Assert
        Assert.False((bool?)account["properties"]?["allowSharedKeyAccess"]);
        Assert.False((bool?)account["properties"]?["allowBlobPublicAccess"]);
        Assert.Equal("TLS1_2", (string?)account["properties"]?["minimumTlsVersion"]);
        // Storage Blob Data Owner: what AzureWebJobsStorage__accountName and the Flex deployment container need
        Assert.Contains(roles, r => r.EndsWith("/b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StringComparison.Ordinal));
    }

    [Fact]
    public void Application_Insights_sits_on_a_Log_Analytics_workspace_and_accepts_Entra_tokens_only()
    {
        var (componentNode, scope) = compiled.Template.Single("Microsoft.Insights/components");
        var component = (JsonObject)scope.Resolve(componentNode)!;

        // Assert
        Assert.Single(compiled.Template.OfType("Microsoft.OperationalInsights/workspaces"));
        Assert.False(string.IsNullOrWhiteSpace((string?)component["properties"]?["WorkspaceResourceId"]));
        Assert.True((bool?)component["properties"]?["DisableLocalAuth"]);
        // Monitoring Metrics Publisher: what Entra ingestion needs
        Assert.Contains(RoleDefinitions(), r => r.EndsWith("/3913510d-42f4-4e42-8a64-420c390055eb", StringComparison.Ordinal));
    }

    // The role definition ids assigned anywhere, one per element of a copy loop.
    private List<string> RoleDefinitions()
    {
        var ids = new List<string>();
        foreach (var (resource, scope) in compiled.Template.OfType("Microsoft.Authorization/roleAssignments"))
        {
            var count = resource["copy"] is JsonObject loop ? scope.Resolve(loop["count"])!.GetValue<int>() : 1;
            for (var i = 0; i < count; i++)
            {
                ids.Add(scope.AtCopyIndex(i).ResolveString(resource["properties"]!["roleDefinitionId"]) ?? "");
            }
        }

        return ids;
    }

    [Fact]
    public void No_output_carries_a_secret()
    {
        string[] secretish = ["listKeys", "listSecrets", "ConnectionString", "InstrumentationKey", "password", "secret", "AccountKey", "accessToken"];

        // Act
        var outputs = compiled.Template.Outputs().ToList();

        // Assert
        Assert.NotEmpty(outputs);
        foreach (var (name, output, _) in outputs)
        {
            var text = name + " " + output.ToJsonString();
            Assert.DoesNotContain(secretish, s => text.Contains(s, StringComparison.OrdinalIgnoreCase));
            Assert.NotEqual("securestring", (string?)output["type"], StringComparer.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_azd_hook_is_valid_bash_and_azure_yaml_runs_it_after_provisioning()
    {
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "azure.yaml"), TestContext.Current.CancellationToken);
        var hook = Path.Combine(Repository.Infra, "hooks", "postprovision.sh");

        // Act
        using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", hook]) { RedirectStandardError = true })!;
        var errors = await bash.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);

        // Assert
        Assert.True(bash.ExitCode == 0, errors);
        Assert.Contains("postprovision:", azureYaml, StringComparison.Ordinal);
        Assert.Contains("infra/hooks/postprovision.sh", azureYaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "BookingFunctions.csproj")));
        Assert.Contains("./BookingFunctions.csproj", azureYaml, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(hook).HasFlag(UnixFileMode.UserExecute), "the hook must be executable");
        }
    }
}
