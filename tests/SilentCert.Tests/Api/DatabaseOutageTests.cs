using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves that with the database away the node is not ready, answers 503 problem+json and keeps nothing, then resumes without a restart.
public sealed class DatabaseOutageTests(DatabaseOutageTests.Node node) : IClassFixture<DatabaseOutageTests.Node>
{
    /// <summary>Monday 2026-06-01 09:00 in China; the clock does not move.</summary>
    public sealed class Node() : ApiNode(Local(2026, 6, 1, 9));

    private readonly HttpClient _client = node.Client;

    /// <summary>
    /// Takes only this node's database away, on the shared test server: no new connections, and the open ones ended.
    /// </summary>
    private async Task SetDatabaseReachable(bool reachable)
    {
        var name = new NpgsqlConnectionStringBuilder(node.Database.ConnectionString).Database!;
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("SILENTCERT_TEST_PG")) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using (var allow = new NpgsqlCommand($"alter database \"{name}\" allow_connections {(reachable ? "true" : "false")}", connection))
        {
            await allow.ExecuteNonQueryAsync();
        }
        if (!reachable)
        {
            await using var terminate = new NpgsqlCommand("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", connection);
            terminate.Parameters.Add(new NpgsqlParameter { Value = name });
            await terminate.ExecuteNonQueryAsync();
            // The test's own idle connections to the database were among those ended: drop them from its pool.
            await using var own = new NpgsqlConnection(node.Database.ConnectionString);
            NpgsqlConnection.ClearPool(own);
        }
    }

    private static async Task AssertUnavailable(HttpResponseMessage response, params string[] idNumbers)
    {
        await ProblemAssert.Is(response, HttpStatusCode.ServiceUnavailable, "database");
        Assert.NotNull(response.Headers.RetryAfter);
        await ProblemAssert.NeverRepeats(response, idNumbers);
    }

    [Fact]
    public async Task While_the_database_is_away_the_node_is_not_ready_answers_503_and_keeps_nothing_then_resumes()
    {
        var enrolled = People.NewIdNumber(new DateOnly(1950, 8, 1));
        // Rules 5 and 2: deadline 2026-05-20 + 12 months = 2027-05-20.
        var key = await _client.Enrol(enrolled, new DateOnly(2026, 5, 20));
        var before = await _client.ViewText(key);
        // Rules 5, 2 and 8: enrolled 2025-07-02 → deadline 2026-07-02, first warned 30 days before: 2026-06-02.
        var warnedTomorrow = await _client.Enrol(People.NewIdNumber(new DateOnly(1950, 8, 3)), new DateOnly(2025, 7, 2));
        var newcomer = People.NewIdNumber(new DateOnly(1950, 8, 2));
        var people = await node.Database.Count("select count(*) from beneficiary");
        var logged = await node.Database.Count("select count(*) from evidence_log");
        var journey = Record("travel-realname", "OUTAGE-1", enrolled.Value, "2026-05-30T08:00:00+08:00");
        var tomorrow = new { now = "2026-06-02T00:00:00+08:00" };

        await SetDatabaseReachable(false);
        try
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/readyz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/healthz")).StatusCode);

            await AssertUnavailable(await _client.PostAsJsonAsync("/api/v1/beneficiaries", EnrolmentBody(newcomer, new DateOnly(2026, 5, 25))), newcomer.Value);
            var update = EnrolmentBody(enrolled, new DateOnly(2026, 5, 20), programme: "dibao", monthlyAmount: 800.00m, flags: ["bedridden"]);
            await AssertUnavailable(await _client.PostAsJsonAsync("/api/v1/beneficiaries", update), enrolled.Value);
            await AssertUnavailable(await _client.SendEvidence(journey.DeepClone()), enrolled.Value);
            await AssertUnavailable(await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = enrolled.Value }), enrolled.Value);
            await AssertUnavailable(await _client.GetAsync($"/api/v1/notifications?beneficiaryId={key}"));
            await AssertUnavailable(await _client.PostAsJsonAsync("/api/v1/admin/clock", tomorrow));
            // Nobody with this key was ever activated, so serving the view needs the database.
            await AssertUnavailable(await _client.GetAsync($"/api/v1/beneficiaries/{People.Pseudonymizer.KeyOf(newcomer)}"));
        }
        finally
        {
            await SetDatabaseReachable(true);
        }

        await Eventually.Until(() => _client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK, "readiness after the database came back", timeoutMs: 30_000);

        // Nothing that was answered 503 was kept, not in part either.
        Assert.Equal(people, await node.Database.Count("select count(*) from beneficiary"));
        Assert.Equal(logged, await node.Database.Count("select count(*) from evidence_log"));
        Assert.Equal(before, await _client.ViewText(key));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = newcomer.Value })).StatusCode);

        // The same node works again: the refused requests, sent again, succeed.
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("/api/v1/admin/clock", tomorrow)).StatusCode);
        var warning = (await _client.View(warnedTomorrow)).GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("warned", "2026-06-02T00:00:00+08:00", 30),
            (warning.GetProperty("event").GetString(), warning.GetProperty("at").GetString(), warning.GetProperty("daysBefore").GetInt32()));
        var newKey = await _client.Enrol(EnrolmentBody(newcomer, new DateOnly(2026, 5, 25)));
        Assert.Equal(People.Pseudonymizer.KeyOf(newcomer), newKey);
        var batch = await _client.SendEvidenceOk(journey.DeepClone());
        Assert.Equal(1, batch.GetProperty("accepted").GetInt32());
        // Rules 1-2: the journey of 2026-05-30 → 2027-05-30, later than 2027-05-20.
        var view = await _client.View(key);
        Assert.Equal("2027-05-30", view.GetProperty("programmes")[0].GetProperty("deadline").GetString());
        var found = await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = newcomer.Value });
        Assert.Equal(newKey, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString());
    }
}
