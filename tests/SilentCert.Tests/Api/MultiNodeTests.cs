using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Api;

// Proves the multi-node topology: two nodes on one database form one cluster, and either node serves any beneficiary.
public sealed class MultiNodeTests : IAsyncLifetime
{
    // Unused: the nodes run on the system clock, as a multi-node cluster must. The dates below all lie in the past.
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly NodeFactory _first;
    private readonly NodeFactory _second;

    public MultiNodeTests()
    {
        var cluster = new Dictionary<string, string?>
        {
            ["SilentCert:Topology"] = "multi-node",
            ["Clock:Mode"] = "System",
            ["Orleans:ClusterId"] = "shared-" + Guid.NewGuid().ToString("N")[..8],
            ["Orleans:ServiceId"] = "silentcert",
        };
        _first = new NodeFactory(Start, extra: cluster);
        _second = new NodeFactory(Start, _first.Database, cluster);
    }

    public Task InitializeAsync()
    {
        _first.CreateClient().Dispose();
        _second.CreateClient().Dispose();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public void Manual_clock_mode_is_refused_at_start_up_on_the_multi_node_topology()
    {
        using var node = new NodeFactory(Start, extra: new Dictionary<string, string?> { ["SilentCert:Topology"] = "multi-node" });
        var error = Assert.ThrowsAny<Exception>(() => node.CreateClient());
        Assert.Contains("Clock:Mode=Manual runs on one node", error.ToString());
    }

    [Fact]
    public async Task A_node_with_another_pseudonym_key_is_refused_at_start_up()
    {
        // The database remembers the key the first node made IDs with; a second key would give everyone a new ID.
        await _first.Database.ScalarAsync<int>("update node_setting set value = 'fedcba9876543210' where name = 'pseudonym-key-fingerprint'");
        using var node = new NodeFactory(Start, _first.Database, new Dictionary<string, string?> { ["Clock:Mode"] = "System" });
        var error = Assert.ThrowsAny<Exception>(() => node.CreateClient());
        Assert.Contains("fingerprint fedcba9876543210", error.ToString());
    }

    [Fact]
    public async Task Two_nodes_on_one_database_are_one_cluster_and_either_serves_any_person()
    {
        Assert.Equal(2L, await _first.Database.ScalarAsync<long>("select count(*) from orleans_membership where status = 3"));

        var a = _first.CreateClient();
        var b = _second.CreateClient();
        var id = People.NewIdNumber(new DateOnly(1949, 2, 17));
        var enrol = await a.PostAsJsonAsync("/api/v1/beneficiaries", new
        {
            idNumber = id.Value, name = "李四", region = "340104",
            enrolments = new[] { new { programme = "pension-resident", monthlyAmount = 210.50m, startMonth = "2026-04" } },
            enrolledOn = "2026-03-20",
        });
        Assert.Equal(HttpStatusCode.Created, enrol.StatusCode);
        var key = (await enrol.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString();

        var lookup = await b.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = id.Value });
        Assert.Equal(key, (await lookup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString());

        // Evidence through the second node reaches the one grain: weak evidence on 2026-03-31 gives 2026-09-30, earlier
        // than enrolment's 2027-03-20, so the deadline stays (rule 1) while the last certification moves (rule 2).
        var batch = await b.PostAsJsonAsync("/api/v1/evidence", new
        {
            records = new[] { new { source = "vaccination", sourceRecordId = "V-77", idNumber = id.Value, observedAt = "2026-03-31T10:00:00+08:00" } },
        });
        Assert.Equal(1, (await batch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());

        var fromA = await a.GetFromJsonAsync<JsonElement>($"/api/v1/beneficiaries/{key}");
        var fromB = await b.GetFromJsonAsync<JsonElement>($"/api/v1/beneficiaries/{key}");
        Assert.Equal(fromA.GetRawText(), fromB.GetRawText());
        Assert.Equal("2027-03-20", fromB.GetProperty("programmes")[0].GetProperty("deadline").GetString());
        Assert.Equal("vaccination", fromB.GetProperty("lastCertification").GetProperty("source").GetString());
        Assert.Equal("weak", fromB.GetProperty("lastCertification").GetProperty("strength").GetString());
    }
}
