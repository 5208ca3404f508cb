using BookingFunctions.StandaloneHost;

// `dotnet run --project StandaloneHost -- migrate` applies sql/migrations and exits; anything else serves the API.
if (args is [MigrateCommand.Name, ..])
{
    return await MigrateCommand.RunAsync(args[1..]);
}

await using var app = BookingWebApp.Create(args);
await app.RunAsync();
return 0;
