using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves door-to-door visits (rule 8) over HTTP: a key-population person on weak evidence gets a task in their region's
// list; a visit that finds nobody leaves it open and the last warning escalates it; a visit that sees the person closes
// it and certifies strongly; a visit told of a death opens a case; malformed visit results are rejected one by one.
public sealed class VisitsApiTests(VisitsApiTests.Node node) : IClassFixture<VisitsApiTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 1, 11, 9));

    private readonly HttpClient _client = node.Client;

    private static System.Text.Json.Nodes.JsonObject Visit(System.Text.Json.Nodes.JsonObject record, string outcome)
    {
        record["visitOutcome"] = outcome;
        return record;
    }

    private async Task<JsonElement?> TaskOf(string key, string region = "340102")
    {
        var tasks = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/visits?region={region}");
        return tasks.EnumerateArray().Where(t => t.GetProperty("beneficiaryId").GetString() == key).Select(t => (JsonElement?)t).SingleOrDefault();
    }

    /// <summary>
    /// Disabled (key population, standard periods), enrolled 2025-06-01 (strong: deadline 2026-06-01); a utility payment
    /// on 2026-01-10 is weak: + 6 = 2026-07-10, so the deadline rests on weak evidence.
    /// </summary>
    private async Task<(SilentCert.Domain.IdNumber Id, string Key)> OnWeakEvidence(int n)
    {
        var id = People.NewIdNumber(new DateOnly(1960, 5, n));
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2025, 6, 1), flags: ["disabled"]));
        await _client.SendEvidenceOk(Record("utility-payment", $"U-{n}", id.Value, "2026-01-10T09:00:00+08:00"));
        Assert.Equal("2026-07-10", (await _client.View(key)).GetProperty("programmes")[0].GetProperty("deadline").GetString());
        return (id, key);
    }

    [Fact]
    public async Task A_task_found_nobody_stays_open_is_escalated_by_the_last_warning_and_closes_when_the_person_is_seen()
    {
        var (id, key) = await OnWeakEvidence(1);
        var (told, toldKey) = await OnWeakEvidence(2);
        Assert.Null(await TaskOf(key));

        // 2026-07-10 − 30 days = 2026-06-10: first warning, and the task.
        await node.Node.MoveClockTo(_client, Local(2026, 6, 10));
        var task = (await TaskOf(key))!.Value;
        Assert.Equal(("340102", "2026-07-10", false, 0), (task.GetProperty("region").GetString(), task.GetProperty("deadline").GetString(),
            task.GetProperty("escalated").GetBoolean(), task.GetProperty("notFoundVisits").GetInt32()));

        await node.Node.MoveClockTo(_client, Local(2026, 6, 20, 16));
        var result = await _client.SendEvidenceOk(
            Visit(Record("door-to-door", "V-1", id.Value, "2026-06-20T15:00:00+08:00"), "not-found"),
            Visit(Record("door-to-door", "V-2", told.Value, "2026-06-20T15:30:00+08:00", deathDate: "2026-06-01"), "reported-dead"));
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        task = (await TaskOf(key))!.Value;
        Assert.Equal((false, 1), (task.GetProperty("escalated").GetBoolean(), task.GetProperty("notFoundVisits").GetInt32()));
        Assert.Equal("due", (await _client.View(key)).GetProperty("status").GetString());
        // Told of a death: a case (held), and the case takes over from the task.
        Assert.Null(await TaskOf(toldKey));
        var toldView = await _client.View(toldKey);
        Assert.Equal(("held", "door-to-door", "2026-06-01"), (toldView.GetProperty("status").GetString(),
            toldView.GetProperty("openCase").GetProperty("source").GetString(), toldView.GetProperty("openCase").GetProperty("reportedDeathDate").GetString()));

        // 2026-07-10 − 7 days = 2026-07-03: the last warning escalates the open task.
        await node.Node.MoveClockTo(_client, Local(2026, 7, 3));
        Assert.True((await TaskOf(key))!.Value.GetProperty("escalated").GetBoolean());

        // Seen alive on 2026-07-04: strong evidence, + 12 months (standard periods) = 2027-07-04; the task closes.
        await node.Node.MoveClockTo(_client, Local(2026, 7, 4, 16));
        await _client.SendEvidenceOk(Visit(Record("door-to-door", "V-3", id.Value, "2026-07-04T15:00:00+08:00"), "seen-alive"));
        Assert.Null(await TaskOf(key));
        var view = await _client.View(key);
        Assert.Equal(("certified", "2027-07-04"), (view.GetProperty("status").GetString(), view.GetProperty("programmes")[0].GetProperty("deadline").GetString()));
        Assert.Equal(["visit-not-found", "visit-escalated"], Events(view).Where(e => e.StartsWith("visit-", StringComparison.Ordinal) && e != "visit-task"));
    }

    [Theory]
    [InlineData("travel-realname", "not-found", null, "visitOutcome")]
    [InlineData("door-to-door", "absent", null, "visitOutcome")]
    [InlineData("door-to-door", "reported-dead", null, "deathDate")]
    [InlineData("door-to-door", "seen-alive", "2026-01-01", "deathDate")]
    public async Task A_malformed_visit_result_is_rejected_naming_the_field_and_stores_nothing(string source, string outcome, string? deathDate, string field)
    {
        var id = People.NewIdNumber(new DateOnly(1961, 2, 2));
        await _client.Enrol(id, new DateOnly(2026, 1, 5));
        var before = await node.Database.Count("select count(*) from evidence_log");

        var result = await _client.SendEvidenceOk(
            Visit(Record(source, $"R-{Guid.NewGuid():N}", id.Value, "2026-01-10T09:00:00+08:00", deathDate: deathDate), outcome));

        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.StartsWith($"{field}:", rejected.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await node.Database.Count("select count(*) from evidence_log"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?region=34010")]
    [InlineData("?region=abcdef")]
    public async Task Listing_visits_needs_a_six_digit_region(string query) =>
        await ProblemAssert.Is(await _client.GetAsync($"/api/v1/visits{query}"), HttpStatusCode.BadRequest, "region");
}
