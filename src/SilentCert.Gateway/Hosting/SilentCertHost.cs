using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using SilentCert.Gateway.Apis;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Hosting;

/// <summary>Wires one SilentCert node: silo, gateway API, dashboard and health, all in one host.</summary>
public static class SilentCertHost
{
    private const string Invariant = "Npgsql";

    public static WebApplicationBuilder AddSilentCert(this WebApplicationBuilder builder)
    {
        AddClusterConfig(builder.Configuration);
        var configuration = builder.Configuration;
        var services = builder.Services;
        AddNodeServices(services, configuration, builder.Environment.ContentRootPath);
        services.AddOptions<RepairSweep.Options>().BindConfiguration(RepairSweep.Options.Section);
        services.AddSingleton<DueSweep>();

        // Migrations run before the silo starts: hosted services start in the order they were added.
        services.AddHostedService<DatabaseMigration>();
        services.AddSingleton<RepairSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<RepairSweep>());
        services.AddOptions<OutboxDelivery.Options>().BindConfiguration(OutboxDelivery.Options.Section);
        services.AddHttpClient(OutboxDelivery.HttpClientName);
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDelivery>());
        builder.UseOrleans(silo =>
        {
            ConfigureCluster(silo, configuration);
            ConfigureStorage(silo, configuration);
            silo.AddDashboard();
        });

        // Every error carries a detail a clerk can act on, also those the framework writes (unknown route, wrong media type).
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
        {
            // The path is not repeated: a mistaken client may have put an ID number in it.
            StatusCodes.Status404NotFound => $"No endpoint answers {c.HttpContext.Request.Method} at this address; the API is described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"This address does not take {c.HttpContext.Request.Method}; see /openapi/v1.json.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
            _ => "The request could not be handled; nothing was changed.",
        });
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // The document describes the contract with the provincial platform, not the dashboard's internal routes.
        services.AddOpenApi(o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        services.AddHealthChecks().AddCheck<ReadinessCheck>("silo-and-database", tags: ["ready"]);
        return builder;
    }

    /// <summary>What the grains and the API need: rules from configuration, the stores, the pseudonymizer, the node clock.</summary>
    public static void AddNodeServices(IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<ClockOptions>().BindConfiguration(ClockOptions.Section)
            .Validate(o => !o.IsManual || o.Start is not null,
                "Clock:Mode is Manual but Clock:Start is not set; give an instant such as 2026-01-01T00:00:00+08:00.")
            // Each node would keep its own simulated time, and grains on the other nodes would not see a move.
            .Validate(o => !o.IsManual || configuration["SilentCert:Topology"] != "multi-node",
                "Clock:Mode=Manual runs on one node; use SilentCert:Topology=single-node for simulations.")
            .ValidateOnStart();
        services.AddOptions<PseudonymOptions>().BindConfiguration(PseudonymOptions.Section);
        services.AddSingleton(_ => configuration.GetSection(PolicyOptions.Section).Get<PolicyOptions>() is { } p ? p.ToPolicy() : CertificationPolicy.Default);
        services.AddSingleton(_ => CatalogueSettings.ToCatalogue(configuration.GetSection("Sources").Get<Dictionary<string, SourceSettings>>() ?? []));
        services.AddSingleton<IReadOnlyList<ProgrammeDefinition>>(_ => CatalogueSettings.ToProgrammes(configuration.GetSection("Programmes").Get<Dictionary<string, ProgrammeSettings>>() ?? []));
        services.AddSingleton(sp => new CertificationRules(sp.GetRequiredService<CertificationPolicy>(), sp.GetRequiredService<IReadOnlyList<ProgrammeDefinition>>()));
        services.AddSingleton(sp => new Pseudonymizer(LoadPseudonymKey(sp.GetRequiredService<IOptions<PseudonymOptions>>().Value, contentRoot)));

        services.AddSingleton(_ => NpgsqlDataSource.Create(ConnectionString(configuration)));
        services.AddSingleton<EvidenceLog>();
        services.AddSingleton<ReadModel>();
        services.AddSingleton<PayrollStore>();
        services.AddSingleton<CaseStore>();
        services.AddSingleton<NodeSettings>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<EvidenceIntake>();

        // The node's clock: system time, or a manual clock that only the clock endpoint moves. Tests put a fake here.
        services.TryAddKeyedSingleton<TimeProvider>(NodeClock.Key, (sp, _) =>
        {
            var clock = sp.GetRequiredService<IOptions<ClockOptions>>().Value;
            return clock.IsManual ? new ManualClock(clock.Start!.Value) : TimeProvider.System;
        });
    }

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres") is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException("ConnectionStrings:Postgres is not set: point the node at its PostgreSQL database (scripts/run.sh starts a private one when it is unset).");

    private static void ConfigureCluster(ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = configuration["Orleans:ClusterId"] ?? "silentcert";
            o.ServiceId = configuration["Orleans:ServiceId"] ?? "silentcert";
        });
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = configuration.GetValue("Orleans:SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
            o.GatewayPort = configuration.GetValue("Orleans:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
            o.AdvertisedIPAddress = IPAddress.Parse(configuration["Orleans:AdvertisedIPAddress"] ?? "127.0.0.1");
        });
        ConfigureClustering(silo, configuration);
    }

    /// <summary>Membership in PostgreSQL: nodes sharing a database form one cluster.</summary>
    public static void ConfigureClustering(ISiloBuilder silo, IConfiguration configuration) =>
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = ConnectionString(configuration);
        });

    /// <summary>Grain state and reminders in PostgreSQL, the same for a node and for the grain tests' cluster.</summary>
    public static void ConfigureStorage(ISiloBuilder silo, IConfiguration configuration)
    {
        // Reminders and grain state in batches (docs/BENCHMARKS.md).
        silo.AddReminders();
        silo.Services.AddSingleton<IReminderTable>(sp => new BatchingReminderTable(sp.GetRequiredService<NpgsqlDataSource>(),
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
        // Grain state as plain System.Text.Json documents, not Newtonsoft payloads with $type (ARCHITECTURE.md decision 2).
        silo.Services.AddKeyedSingleton<IGrainStorage>(BeneficiaryGrain.StorageName, (sp, _) =>
        {
            var json = new SystemTextJsonGrainStorageSerializerOptions();
            StateJson.Configure(json.JsonSerializerOptions);
            return new BatchingGrainStorage(sp.GetRequiredService<NpgsqlDataSource>(), new SystemTextJsonGrainStorageSerializer(Options.Create(json)),
                sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
        });
    }

    public static WebApplication MapSilentCert(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = c => c.Tags.Contains("ready") });
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapSilentCertApi();
        return app;
    }

    /// <summary>
    /// Loads <c>cluster-config/</c>: the source catalogue, policy and programmes, then the topology's appsettings file.
    /// They go beneath every other source, so environment variables and the command line override them.
    /// </summary>
    public static void AddClusterConfig(ConfigurationManager configuration)
    {
        var directory = configuration["SilentCert:ConfigDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : FindClusterConfig() ?? throw new InvalidOperationException("cluster-config/ not found; set SilentCert:ConfigDirectory.");
        var topology = configuration["SilentCert:Topology"] is { Length: > 0 } t ? t : "single-node";
        string[] files = ["sources.json", "policy.json", "programmes.json", "delivery.json", $"appsettings.{topology}.json"];
        var provider = new PhysicalFileProvider(directory);
        for (var i = 0; i < files.Length; i++)
        {
            if (!File.Exists(Path.Combine(directory, files[i])))
            {
                throw new InvalidOperationException($"{Path.Combine(directory, files[i])} is missing (SilentCert:Topology is '{topology}').");
            }
            configuration.Sources.Insert(i, new JsonConfigurationSource { Path = files[i], FileProvider = provider, Optional = false });
        }
    }

    private static string? FindClusterConfig()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "cluster-config");
                if (Directory.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static byte[] LoadPseudonymKey(PseudonymOptions options, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return Convert.FromBase64String(options.Key);
        }
        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            throw new InvalidOperationException("Set Pseudonym:Key (base64, 32 bytes or more) or, for development, Pseudonym:KeyFile.");
        }
        var path = Path.GetFullPath(options.KeyFile, contentRoot);
        if (!File.Exists(path))
        {
            // Development only: a fresh key in the local data folder, never in the repository.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
