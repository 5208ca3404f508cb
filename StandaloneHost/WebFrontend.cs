using BookingFunctions.Http;
using BookingFunctions.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// Serves the web app (web/: guest page, staff board) under "/", its /config.json, and — only when switched on —
/// the development sign-in. /api/* never reaches the static files, so the API answers exactly as without the pages.
/// </summary>
internal static class WebFrontend
{
    public static IServiceCollection AddWebFrontend(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebAppOptions>().Bind(configuration.GetSection(WebAppOptions.Section))
            .Validate(WebAppOptions.IsValid, "Booking:Web: ApiBaseUrl must be an http(s) URL or empty; Oidc needs an http(s) Authority and a ClientId.")
            .Validate<IOptions<AuthOptions>>((web, auth) => !web.DevSignIn || !string.IsNullOrWhiteSpace(auth.Value.DevSigningKey),
                "Booking:Web:DevSignIn needs Booking:Auth:DevSigningKey: development sign-in is for local runs only, never with an OpenID Connect authority.")
            .ValidateOnStart();
        services.AddSingleton<DevSignIn>();
        return services;
    }

    public static WebApplication UseWebFrontend(this WebApplication app)
    {
        var options = BoundWithoutValidation(app);
        if (!options.Enabled)
        {
            return app;
        }

        var root = options.ResolvedRoot();
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.Logger.LogWarning("Web app not served: no index.html in {WebRoot} (set Booking:Web:Root)", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        var securityHeaders = SecurityHeaders(options);
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/" + Routes.Prefix), branch => branch
            .UseDefaultFiles(new DefaultFilesOptions { FileProvider = files })
            .UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                OnPrepareResponse = file =>
                {
                    // revalidate every time (ETag): an edited page or module is never served stale after a reload
                    file.Context.Response.Headers.CacheControl = "no-cache";
                    foreach (var (name, value) in securityHeaders)
                    {
                        file.Context.Response.Headers[name] = value;
                    }
                },
            }));
        app.Logger.LogInformation("Web app served from {WebRoot}", root);
        return app;
    }

    public static WebApplication MapWebFrontend(this WebApplication app)
    {
        var options = BoundWithoutValidation(app);
        if (!options.Enabled)
        {
            return app;
        }

        app.MapGet(Routes.WebConfig, (HttpResponse response, IOptions<WebAppOptions> validated) =>
        {
            response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(WebConfigResponse.From(validated.Value));
        }).ExcludeFromDescription();

        if (options.DevSignIn)
        {
            app.MapPost(Routes.DevSignIn, (HttpContext context, DevSignIn signIn) => signIn.HandleAsync(context)).ExcludeFromDescription();
            app.Logger.LogWarning("Development sign-in is ON ({Route}): anyone on this machine can get a guest or staff token", Routes.DevSignIn);
        }

        return app;
    }

    /// <summary>
    /// The settings as bound, read while the pipeline is built. IOptions.Value here would validate them — and the auth
    /// options they depend on — before the host starts, turning start-up validation errors into build errors; the
    /// validated copy is checked on start (ValidateOnStart) and used by the endpoints.
    /// </summary>
    private static WebAppOptions BoundWithoutValidation(WebApplication app) =>
        app.Configuration.GetSection(WebAppOptions.Section).Get<WebAppOptions>() ?? new WebAppOptions();

    /// <summary>The pages load their own scripts and styles only; they call the API and, when configured, the sign-in authority.</summary>
    private static List<(string Name, string Value)> SecurityHeaders(WebAppOptions options)
    {
        var connect = new List<string> { "'self'" };
        foreach (var url in new[] { options.ApiBaseUrl, options.Oidc.Authority })
        {
            if (!string.IsNullOrWhiteSpace(url) && Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                connect.Add(uri.GetLeftPart(UriPartial.Authority));
            }
        }

        return
        [
            ("Content-Security-Policy",
                $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src {string.Join(' ', connect)}; " +
                "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ];
    }
}
