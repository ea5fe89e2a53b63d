using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Gateway.Hosting;
using SilentCert.Contracts;
using SilentCert.Grains;

namespace SilentCert.Cli;

/// <summary>
/// <c>silentcert ingest FILE [--rejects FILE]</c>: joins the cluster as an Orleans client (membership in the same
/// PostgreSQL, the node's own configuration from <c>cluster-config/</c> and the environment) and loads the file.
/// </summary>
public static class IngestCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IDictionary<string, string?>? settings = null,
        CancellationToken cancellationToken = default)
    {
        if (args is not [var file, ..] || args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--rejects"))
        {
            error.WriteLine("usage: silentcert ingest FILE [--rejects FILE]");
            return 2;
        }
        if (!File.Exists(file))
        {
            error.WriteLine($"silentcert: {file} does not exist.");
            return 2;
        }
        var rejectsPath = args.Length == 3 ? args[2] : file + ".rejects.tsv";

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        SilentCertHost.AddClusterConfig(builder.Configuration);
        // The summary is the output; only warnings and errors from the client, whatever the node's logging settings say.
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        SilentCertHost.AddNodeServices(builder.Services, builder.Configuration, builder.Environment.ContentRootPath);
        var configuration = builder.Configuration;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = configuration["Orleans:ClusterId"] ?? "silentcert";
                o.ServiceId = configuration["Orleans:ServiceId"] ?? "silentcert";
            });
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = SilentCertHost.ConnectionString(configuration);
            });
        });
        try
        {
            using var host = builder.Build();
            await host.StartAsync(cancellationToken);
            var services = host.Services;
            // The same beneficiary IDs as the nodes', or every record would look like an unknown person.
            var pseudonyms = services.GetRequiredService<Pseudonymizer>();
            var recorded = await services.GetRequiredService<NodeSettings>().FixAsync("pseudonym-key-fingerprint", pseudonyms.Fingerprint, cancellationToken);
            if (recorded != pseudonyms.Fingerprint)
            {
                error.WriteLine($"silentcert: the pseudonym key here (fingerprint {pseudonyms.Fingerprint}) is not the cluster's ({recorded}); configure the cluster's Pseudonym:Key.");
                return 2;
            }
            await using var rejects = new StreamWriter(rejectsPath, false, new UTF8Encoding(false));
            var progress = new IngestProgress(error, terminal: !Console.IsErrorRedirected && error == Console.Error);
            // Ctrl+C or a TERM stops the load between two batches; what was stored stays, and a re-run finishes it.
            var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            var clock = services.GetRequiredService<IClusterClient>().GetGrain<IClusterClockGrain>(0);
            var summary = await ExchangeFileIngest.RunAsync(file, services.GetRequiredService<EvidenceIntake>(), () => clock.Now(), rejects, progress, stopping.Token);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accepted: {summary.Accepted}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"duplicates: {summary.Duplicates}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rejected: {summary.Rejected}{(summary.Rejected > 0 ? $" (lines and reasons in {rejectsPath})" : "")}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"unknown persons: {summary.UnknownPersons}"));
            await host.StopAsync(cancellationToken);
            return 0;
        }
        catch (ExchangeFileException e)
        {
            error.WriteLine($"silentcert: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("silentcert: stopped. Records already stored are kept; run the same file again to finish.");
            return 130;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A clear line, not a stack trace: what was logged before the failure is durable, and a re-run completes it.
            error.WriteLine($"silentcert: the load stopped ({e.GetType().Name}: {e.Message}). Records already stored are kept; run the same file again to finish.");
            return 3;
        }
    }
}
