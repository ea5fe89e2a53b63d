using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using SilentCert.Data;
using SilentCert.Gateway.Hosting;
using SilentCert.Grains;

namespace SilentCert.Tests.Infrastructure;

/// <summary>
/// An Orleans test cluster wired like a node (PostgreSQL membership, grain state and reminders; the real rules from
/// cluster-config/) on its own database, with one <see cref="FakeTimeProvider"/> as both the node clock and the
/// reminders' clock (key <c>Orleans.Reminders</c>). The unkeyed TimeProvider, which drives membership, stays real.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private static readonly ConcurrentDictionary<string, GrainClusterFixture> Fixtures = new();
    private readonly string _id = Guid.NewGuid().ToString("N");

    /// <summary>Tuesday 2026-06-02 00:00 in China; tests move it forward only.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.FromHours(8)));

    public TestDatabase Database { get; private set; } = null!;

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public EvidenceLog EvidenceLog { get; private set; } = null!;

    public ReadModel ReadModel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = TestDatabase.Create();
        Fixtures[_id] = this;
        var builder = new TestClusterBuilder(1);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties["FixtureId"] = _id;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        var dataSource = Npgsql.NpgsqlDataSource.Create(Database.ConnectionString);
        EvidenceLog = new EvidenceLog(dataSource);
        ReadModel = new ReadModel(dataSource);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Fixtures.TryRemove(_id, out _);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var fixture = Fixtures[silo.Configuration["FixtureId"]!];
            var configuration = TestConfiguration.Build(fixture.Database.ConnectionString);
            silo.Services.AddKeyedSingleton<TimeProvider>(NodeClock.Key, fixture.Clock);
            SilentCertHost.AddNodeServices(silo.Services, configuration, AppContext.BaseDirectory);
            SilentCertHost.ConfigureClustering(silo, configuration);
            SilentCertHost.ConfigureStorage(silo, configuration);
            // After the reminder service's own registrations, so this one is the one resolved.
            silo.Services.AddKeyedSingleton<TimeProvider>(NodeClock.RemindersKey, fixture.Clock);
            // Orleans keeps only reminders due within this window in memory and reloads the rest on a table refresh
            // that runs on real time (every 5 minutes). Fake time jumps days at once, so hold every reminder locally.
            silo.Configure<ReminderOptions>(o => o.ReminderLoadingWindow = TimeSpan.FromDays(400));
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = Fixtures[configuration["FixtureId"]!].Database.ConnectionString;
            });
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
