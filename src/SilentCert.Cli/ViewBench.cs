using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SilentCert.Contracts;

namespace SilentCert.Cli;

public static partial class Benchmark
{
    /// <summary>Connections wrk keeps open: the fixed load, the same for both endpoints.</summary>
    private const int LoadConnections = 16;

    /// <summary>
    /// The person view under load (issue 5): <paramref name="people"/> enrolled people, and wrk (a real HTTP load tool,
    /// from Debian's packages) asking for a random one's view over <see cref="LoadConnections"/> connections for
    /// <paramref name="duration"/>, then <c>/healthz</c> the same way, after a short warm-up of each. Every view is a grain
    /// call on an active grain; <c>/healthz</c> is the node's cheapest answer, the floor the view is compared with.
    /// </summary>
    public static async Task<IReadOnlyList<Figure>> RunViewAsync(int people, TimeSpan duration, IDictionary<string, string?> settings, TextWriter log,
        CancellationToken cancellationToken = default)
    {
        var wrk = FindOnPath("wrk") ?? throw new InvalidOperationException("wrk is not installed: apt-get install wrk (scripts/bench.sh installs it when run as root).");
        var work = Directory.CreateTempSubdirectory("silentcert-view-");
        try
        {
            await using var node = await StartNodeAsync(settings, cancellationToken);
            var baseUrl = node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var commands = Enumerable.Range(0, people).Select(i => (Key: SyntheticKey(i), Command: new EnrolCommand(
                "340102********0011", new DateOnly(1950, 5, 1), "查看", "340102", null, [],
                [new EnrolmentItem("pension-resident", 200m, new DateOnly(2025, 1, 1))], new DateOnly(2026, 6, 15)))).ToList();
            log.WriteLine($"view: enrolled {people:N0} people in {await EnrolAsync(node, commands, cancellationToken):F1} s");

            // wrk asks for a random person's view on every request.
            var script = Path.Combine(work.FullName, "view.lua");
            var lua = new StringBuilder("local ids = {\n");
            commands.ForEach(c => lua.Append('"').Append(c.Key).Append("\",\n"));
            lua.Append("}\nrequest = function()\n  return wrk.format(\"GET\", \"/api/v1/beneficiaries/\" .. ids[math.random(#ids)])\nend\n");
            await File.WriteAllTextAsync(script, lua.ToString(), cancellationToken);

            var view = await LoadAsync(wrk, baseUrl + "/", script, duration, log, cancellationToken);
            var health = await LoadAsync(wrk, baseUrl + "/healthz", null, duration, log, cancellationToken);
            await node.StopAsync(cancellationToken);
            return
            [
                new Figure("view_p50_ms", view.P50, "ms"),
                new Figure("view_p99_ms", view.P99, "ms"),
                new Figure("view_requests_per_s", view.RequestsPerSecond, "requests/s"),
                new Figure("healthz_p50_ms", health.P50, "ms"),
                new Figure("healthz_p99_ms", health.P99, "ms"),
                new Figure("view_p99_vs_healthz", view.P99 / health.P99, "ratio"),
            ];
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A well-formed beneficiary ID (ben- and 64 hex digits) for synthetic person number <paramref name="i"/>.</summary>
    private static string SyntheticKey(int i) => "ben-" + i.ToString("x64", CultureInfo.InvariantCulture);

    /// <summary>What one wrk run measured: latency percentiles in milliseconds, and throughput.</summary>
    public sealed record LoadResult(double P50, double P99, double RequestsPerSecond);

    /// <summary>Runs wrk against <paramref name="url"/>: two seconds to warm up, then the measured run; every answer must be a success.</summary>
    private static async Task<LoadResult> LoadAsync(string wrk, string url, string? script, TimeSpan duration, TextWriter log, CancellationToken cancellationToken)
    {
        await RunWrkAsync(wrk, url, script, TimeSpan.FromSeconds(2), cancellationToken);
        var output = await RunWrkAsync(wrk, url, script, duration, cancellationToken);
        log.WriteLine($"wrk {url}:");
        log.WriteLine(output.TrimEnd());
        return ParseWrk(output) ?? throw new InvalidOperationException($"wrk saw failed requests to {url}; see its output above.");
    }

    /// <summary>wrk's <c>--latency</c> report read; null when any request failed (an error status, a socket error).</summary>
    public static LoadResult? ParseWrk(string output) =>
        output.Contains("Non-2xx or 3xx responses", StringComparison.Ordinal) || output.Contains("Socket errors", StringComparison.Ordinal)
            ? null
            : new LoadResult(Percentile(output, "50%"), Percentile(output, "99%"),
                double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture));

    private static async Task<string> RunWrkAsync(string wrk, string url, string? script, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", $"-c{LoadConnections}", $"-d{(int)duration.TotalSeconds}s", "--timeout", "30s", "--latency" })
        {
            start.ArgumentList.Add(argument);
        }
        if (script is not null)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(script);
        }
        start.ArgumentList.Add(url);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {await errors}");
        }
        return await output;
    }

    /// <summary>A latency percentile from wrk's <c>--latency</c> distribution, in milliseconds.</summary>
    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        if (!match.Success)
        {
            throw new InvalidOperationException($"wrk printed no {percentile} latency.");
        }
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "ms" => value, _ => value * 1000 };
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);
}
