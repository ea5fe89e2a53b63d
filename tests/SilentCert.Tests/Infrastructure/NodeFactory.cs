using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace SilentCert.Tests.Infrastructure;

/// <summary>
/// A whole SilentCert node (silo + gateway API, the real Program) in manual clock mode, on its own database and its own
/// silo ports. HTTP goes through the in-memory test server.
/// </summary>
public class NodeFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public NodeFactory(DateTimeOffset clockStart, TestDatabase? database = null, IDictionary<string, string?>? extra = null)
    {
        Database = database ?? TestDatabase.Create();
        var cluster = ClusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        _settings = TestConfiguration.Settings(Database.ConnectionString, new Dictionary<string, string?>
        {
            ["Clock:Mode"] = "Manual",
            ["Clock:Start"] = clockStart.ToString("o"),
            ["Orleans:ClusterId"] = cluster,
            ["Orleans:ServiceId"] = cluster,
            ["Orleans:SiloPort"] = TestConfiguration.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = TestConfiguration.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public TestDatabase Database { get; }

    /// <summary>The cluster (and service) id, for an Orleans client that joins this node.</summary>
    public string ClusterId { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Moves the manual clock and returns once every action due by then has run.</summary>
    public async Task MoveClockTo(HttpClient client, DateTimeOffset instant)
    {
        var response = await client.PostAsJsonAsync("/api/v1/admin/clock", new { now = instant.ToString("yyyy-MM-ddTHH:mm:sszzz") });
        response.EnsureSuccessStatusCode();
    }
}
