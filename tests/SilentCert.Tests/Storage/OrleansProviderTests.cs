using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Reminders.Diagnostics;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using SilentCert.Grains;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves SilentCert's own PostgreSQL schema (migrations 0001-0004, 0109) serves the Orleans 10 ADO.NET membership provider and SilentCert's batching reminder table and grain storage: two silos join through the membership table, JSON grain state survives deactivation and refuses stale etags, and a reminder row fires on a fake reminder clock and is removed on unregister.
public sealed class OrleansProviderTests(OrleansProviderTests.ClusterFixture fixture) : IClassFixture<OrleansProviderTests.ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TestCluster Cluster => fixture.Cluster;

    private TestDatabase Db => fixture.Database;

    [Fact]
    public async Task Two_silos_join_one_cluster_through_the_membership_table()
    {
        var clusterId = Cluster.Options.ClusterId;

        await Eventually(async () => await Db.ScalarAsync<long>(
            "select count(*) from orleans_membership where cluster_id = $1 and status = 3", clusterId) == 2);

        // One row per silo of this cluster, keyed by the silo's address, port and generation.
        var silos = Cluster.GetActiveSilos().Select(s => s.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, silos.Length);
        var rows = await Db.ScalarAsync<string>(
            "select string_agg(address || ':' || port || '@' || generation, ' ') from orleans_membership where cluster_id = $1 and status = 3",
            clusterId);
        Assert.Equal(silos, rows!.Split(' ').Order(StringComparer.Ordinal).ToArray());

        // Each membership write bumped the cluster's version: at least one insert per silo.
        Assert.True(await Db.ScalarAsync<int>("select version from orleans_membership_version where cluster_id = $1", clusterId) >= 2);

        // Both silos see each other as active, and the client found its gateways through the same table.
        var hosts = await Cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
    }

    [Fact]
    public async Task A_silo_that_leaves_is_marked_dead_under_the_version_check_and_later_cleaned_up()
    {
        var clusterId = Cluster.Options.ClusterId;
        const string StatusSql = "select status from orleans_membership where cluster_id = $1 and address || ':' || port || '@' || generation = $2";
        const string VersionSql = "select version from orleans_membership_version where cluster_id = $1";

        var third = await Cluster.StartAdditionalSiloAsync();
        var thirdKey = third.SiloAddress.ToParsableString();
        await Eventually(async () => await Db.ScalarAsync<int>(StatusSql, clusterId, thirdKey) == 3);
        var versionWhileActive = await Db.ScalarAsync<int>(VersionSql, clusterId);

        await Cluster.StopSiloAsync(third);
        await Eventually(async () => await Db.ScalarAsync<int>(StatusSql, clusterId, thirdKey) == 6);
        Assert.True(await Db.ScalarAsync<int>(VersionSql, clusterId) > versionWhileActive);

        // The provider reads the row back (MembershipReadRowKey) with the table version as its etag.
        var survivor = Cluster.GetActiveSilos().First();
        var table = Cluster.GetSiloServiceProvider(survivor.SiloAddress).GetRequiredService<IMembershipTable>();
        var read = await table.ReadRowAsync(third.SiloAddress);
        var (entry, etag) = Assert.Single(read.Members);
        Assert.Equal(SiloStatus.Dead, entry.Status);
        Assert.Equal(read.Version.VersionEtag, etag);

        // Dead rows older than the cut-off go (CleanupDefunctSiloEntryKey, row by row); active silos stay.
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(0L, await Db.ScalarAsync<long>(
            "select count(*) from orleans_membership where cluster_id = $1 and status <> 3", clusterId));
        Assert.Equal(2L, await Db.ScalarAsync<long>(
            "select count(*) from orleans_membership where cluster_id = $1 and status = 3", clusterId));

        // Another cluster in the same database is a separate set of rows; dropping it leaves this one alone.
        await Execute(
            "insert into orleans_membership_version (cluster_id, version) values ('other-cluster', 7);" +
            "insert into orleans_membership (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time) " +
            "values ('other-cluster', '10.0.0.9', 11111, 1, 'other', 'other-host', 3, 30000, now(), now())");
        await table.DeleteMembershipTableEntriesAsync("other-cluster");
        Assert.Equal(0L, await Db.ScalarAsync<long>(
            "select (select count(*) from orleans_membership where cluster_id = 'other-cluster') + (select count(*) from orleans_membership_version where cluster_id = 'other-cluster')"));
        Assert.Equal(2L, await Db.ScalarAsync<long>("select count(*) from orleans_membership where cluster_id = $1", clusterId));
    }

    [Fact]
    public async Task State_survives_deactivation_as_json_under_the_full_string_key()
    {
        const string Key = "ben-state-roundtrip";
        var grain = Cluster.Client.GetGrain<IProviderProbeGrain>(Key);

        var written = await grain.Save("hello");
        Assert.Equal("1", written.ETag);

        await Cluster.DeactivateAsync(grain);
        var read = await grain.View();

        Assert.NotEqual(written.Activation, read.Activation);
        Assert.Equal("hello", read.Note);
        Assert.Equal(1, read.Saves);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);

        // One row, keyed by the state name and the whole string key, holding plain System.Text.Json.
        Assert.Equal(1L, await Db.ScalarAsync<long>(
            "select count(*) from orleans_grain_state where grain_key = $1 and state_name = $2 and grain_id_n0 = 0 and grain_id_n1 = 0 and service_id = $3",
            Key, ProviderProbeGrain.StateName, Cluster.Options.ServiceId));
        var json = await Db.ScalarAsync<string>("select convert_from(payload, 'UTF8') from orleans_grain_state where grain_key = $1", Key);
        using var document = JsonDocument.Parse(json!);
        Assert.Equal("hello", document.RootElement.GetProperty("Note").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("Saves").GetInt32());
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_that_differ_only_in_leading_zeros_keep_separate_rows()
    {
        await Cluster.Client.GetGrain<IProviderProbeGrain>("ben-00abcdef").Save("padded");
        await Cluster.Client.GetGrain<IProviderProbeGrain>("ben-abcdef").Save("bare");

        Assert.Equal("padded", (await Cluster.Client.GetGrain<IProviderProbeGrain>("ben-00abcdef").View()).Note);
        Assert.Equal("bare", (await Cluster.Client.GetGrain<IProviderProbeGrain>("ben-abcdef").View()).Note);
        Assert.Equal(2L, await Db.ScalarAsync<long>(
            "select count(*) from orleans_grain_state where grain_key in ('ben-00abcdef', 'ben-abcdef')"));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused()
    {
        const string Key = "ben-stale-etag";
        var grain = Cluster.Client.GetGrain<IProviderProbeGrain>(Key);
        var first = await grain.Save("first");
        Assert.Equal("1", first.ETag);

        // Another writer (as a duplicate activation would) reads version 1 and writes version 2 behind the grain's back.
        var storage = Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(ProviderProbeGrain.StorageName);
        var grainId = grain.GetGrainId();
        var other = new GrainState<ProbeState>();
        await storage.ReadStateAsync(ProviderProbeGrain.StateName, grainId, other);
        Assert.Equal("1", other.ETag);
        other.State = new ProbeState { Note = "outside", Saves = 2 };
        await storage.WriteStateAsync(ProviderProbeGrain.StateName, grainId, other);
        Assert.Equal("2", other.ETag);

        // The grain still holds etag 1: its next write is refused, and so is a write that claims to be the first.
        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Save("second"));
        var stale = new GrainState<ProbeState>(new ProbeState { Note = "stale" }, "1");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(ProviderProbeGrain.StateName, grainId, stale));
        var blind = new GrainState<ProbeState>(new ProbeState { Note = "blind" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(ProviderProbeGrain.StateName, grainId, blind));

        // The row kept the outside write; Orleans dropped the conflicted activation, so the grain now reads it.
        Assert.Equal(2, await Db.ScalarAsync<int>("select version from orleans_grain_state where grain_key = $1", Key));
        var fresh = await grain.View();
        Assert.Equal("outside", fresh.Note);
        Assert.Equal("2", fresh.ETag);

        // Clearing bumps the version and keeps the row without a payload.
        await storage.ClearStateAsync(ProviderProbeGrain.StateName, grainId, other);
        Assert.Equal("3", other.ETag);
        Assert.False(other.RecordExists);
        Assert.True(await Db.ScalarAsync<bool>("select payload is null from orleans_grain_state where grain_key = $1", Key));
        // A clear with a stale etag is refused too.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(
            ProviderProbeGrain.StateName, grainId, new GrainState<ProbeState>(new ProbeState(), "2") { RecordExists = true }));
    }

    [Fact]
    public async Task A_reminder_row_fires_on_the_fake_clock_and_unregistering_removes_it()
    {
        const string Key = "ben-reminder";
        var grain = Cluster.Client.GetGrain<IProviderProbeGrain>(Key);
        var grainId = grain.GetGrainId().ToString();
        const string RowSql =
            "select count(*) from orleans_reminder where service_id = $1 and grain_id = $2 and reminder_name = $3";

        // Orleans skips a tick whose time has already passed when the silo (re)arms its wait, so move the clock only once
        // the owning silo is waiting for this reminder (its diagnostics say so), and not across a table refresh, which
        // re-arms every local reminder (the fixture ran the initial reads; the next refresh is 5 fake minutes later).
        using var armed = new TickWaitArmed(grain.GetGrainId(), ProviderProbeGrain.ReminderName);
        await grain.StartWaking(dueTime: TimeSpan.FromMinutes(2), period: TimeSpan.FromHours(1));

        Assert.Equal(1L, await Db.ScalarAsync<long>(RowSql, Cluster.Options.ServiceId, grainId, ProviderProbeGrain.ReminderName));
        Assert.Equal((long)TimeSpan.FromHours(1).TotalMilliseconds, await Db.ScalarAsync<long>(
            "select period from orleans_reminder where grain_id = $1", grainId));
        Assert.Equal(unchecked((int)grain.GetGrainId().GetUniformHashCode()), await Db.ScalarAsync<int>(
            "select grain_hash from orleans_reminder where grain_id = $1", grainId));
        Assert.Equal(0, await grain.Ticks());

        await armed.Task.WaitAsync(Patience);
        ClusterFixture.ReminderClock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await Eventually(async () => await grain.Ticks() > 0);

        await grain.StopWaking();
        Assert.Equal(0L, await Db.ScalarAsync<long>(RowSql, Cluster.Options.ServiceId, grainId, ProviderProbeGrain.ReminderName));
    }

    private async Task Execute(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Db.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Condition not met within {Patience}.");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Completes when a silo has armed its wait for the next tick of one reminder.</summary>
    private sealed class TickWaitArmed : IObserver<ReminderEvents.ReminderEvent>, IDisposable
    {
        private readonly GrainId _grainId;
        private readonly string _reminderName;
        private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly IDisposable _subscription;

        public TickWaitArmed(GrainId grainId, string reminderName)
        {
            _grainId = grainId;
            _reminderName = reminderName;
            _subscription = ReminderEvents.AllEvents.Subscribe(this);
        }

        public Task Task => _armed.Task;

        public void OnNext(ReminderEvents.ReminderEvent value)
        {
            if (value is ReminderEvents.LocalReminderTickWaitArmed && value.GrainId.Equals(_grainId) && value.ReminderName == _reminderName)
            {
                _armed.TrySetResult();
            }
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose() => _subscription.Dispose();
    }

    /// <summary>Records the silos whose reminder service has finished its initial read.</summary>
    private sealed class ReminderServicesStarted : IObserver<ReminderEvents.ReminderServiceEvent>, IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<SiloAddress, bool> _started = new();
        private readonly IDisposable _subscription;

        public ReminderServicesStarted() => _subscription = ReminderEvents.ServiceEvents.Subscribe(this);

        public bool Contains(SiloAddress silo) => _started.ContainsKey(silo);

        public void OnNext(ReminderEvents.ReminderServiceEvent value)
        {
            if (value is ReminderEvents.ReminderServiceStarted { SiloAddress: { } silo })
            {
                _started[silo] = true;
            }
        }

        public void OnCompleted() { }

        public void OnError(Exception error) { }

        public void Dispose() => _subscription.Dispose();
    }

    /// <summary>Two silos and a client on a fresh migrated database: ADO.NET membership, SilentCert's reminder table and grain storage.</summary>
    public sealed class ClusterFixture : IAsyncLifetime
    {
        private const string ConnectionStringKey = "SilentCertTests:OrleansDb";

        /// <summary>The reminder subsystem's clock (keyed "Orleans.Reminders"); membership and grains keep real time.</summary>
        internal static FakeTimeProvider ReminderClock { get; } = new(DateTimeOffset.UtcNow);

        public TestDatabase Database { get; private set; } = null!;

        public TestCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Database = TestDatabase.Create();
            var builder = new TestClusterBuilder(2);
            builder.Options.UseTestClusterMembership = false;
            builder.Options.ConfigureFileLogging = false;
            builder.Properties[ConnectionStringKey] = Database.ConnectionString;
            builder.AddSiloBuilderConfigurator<SiloConfigurator>();
            builder.AddClientBuilderConfigurator<ClientConfigurator>();
            Cluster = builder.Build();
            using var started = new ReminderServicesStarted();
            await Cluster.DeployAsync();

            // Each reminder service does its first read of its range after a random delay of up to 30 s on the reminder
            // clock: let those pass now, so that no refresh coincides with the reminder test's clock jump.
            ReminderClock.Advance(TimeSpan.FromMinutes(1));
            var silos = Cluster.Silos.Select(s => s.SiloAddress).ToList();
            var deadline = DateTime.UtcNow + Patience;
            while (!silos.All(started.Contains))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The reminder services did not finish their initial reads.");
                }
                await Task.Delay(50);
            }
        }

        public async Task DisposeAsync()
        {
            if (Cluster is not null)
            {
                await Cluster.StopAllSilosAsync();
                await Cluster.DisposeAsync();
            }
        }

        private sealed class SiloConfigurator : ISiloConfigurator
        {
            public void Configure(ISiloBuilder siloBuilder)
            {
                var connectionString = siloBuilder.Configuration[ConnectionStringKey];
                siloBuilder
                    .UseAdoNetClustering(o =>
                    {
                        o.Invariant = "Npgsql";
                        o.ConnectionString = connectionString;
                    })
                    .UseSystemTextJsonGrainStorageSerializer()
                    .AddReminders();
                var dataSource = NpgsqlDataSource.Create(connectionString!);
                siloBuilder.Services.AddKeyedSingleton<TimeProvider>("Orleans.Reminders", ReminderClock);
                siloBuilder.Services.AddSingleton<IReminderTable>(sp => new BatchingReminderTable(dataSource, sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
                siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(ProviderProbeGrain.StorageName, (sp, _) => new BatchingGrainStorage(
                    dataSource, sp.GetRequiredService<IGrainStorageSerializer>(), sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId));
            }
        }

        private sealed class ClientConfigurator : IClientBuilderConfigurator
        {
            public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
                clientBuilder.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = configuration[ConnectionStringKey];
                });
        }
    }
}
