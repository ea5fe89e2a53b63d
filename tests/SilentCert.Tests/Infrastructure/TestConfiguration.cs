using Microsoft.Extensions.Configuration;
using SilentCert.Gateway.Hosting;

namespace SilentCert.Tests.Infrastructure;

/// <summary>The node's real configuration (cluster-config/) pointed at a test database.</summary>
public static class TestConfiguration
{
    /// <summary>A fixed key for tests only: pseudonymous IDs in tests are reproducible, and no real person is behind them.</summary>
    public const string PseudonymKey = "c2lsZW50Y2VydC10ZXN0LWtleS0wMDAwMDAwMDAwMDAwMDAw";

    public static string ConfigDirectory { get; } = FindConfigDirectory();

    public static ConfigurationManager Build(string connectionString, IDictionary<string, string?>? extra = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(Settings(connectionString, extra));
        SilentCertHost.AddClusterConfig(configuration);
        return configuration;
    }

    public static Dictionary<string, string?> Settings(string connectionString, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SilentCert:ConfigDirectory"] = ConfigDirectory,
            ["ConnectionStrings:Postgres"] = connectionString,
            ["Pseudonym:Key"] = PseudonymKey,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    private static string FindConfigDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "cluster-config");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("cluster-config/ not found above the test binaries.");
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
