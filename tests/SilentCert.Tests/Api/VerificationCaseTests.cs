using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;
using static SilentCert.Tests.Api.WebhookCalls;

namespace SilentCert.Tests.Api;

// Proves issue 4's 'Done when' from the API alone: a death record for a living person (refuted) and for a person who
// really died (confirmed two months later) both end with the right money to the fen and the right notices delivered;
// and every refused decision changes nothing.
public sealed class VerificationCaseTests(VerificationCaseTests.Node node) : IClassFixture<VerificationCaseTests.Node>
{
    /// <summary>Starts 2026-01-05 09:00 in China; the health department's correction notices go to a local listener that fails once.</summary>
    public sealed class Node : ApiNode
    {
        public Node() : this(new FlakyHook(failures: 1))
        {
        }

        private Node(FlakyHook hook) : base(Local(2026, 1, 5, 9), new Dictionary<string, string?>(WebhookTests.Settings)
        {
            ["Delivery:CorrectionNotices:health"] = hook.Url,
        }) => Hook = hook;

        public FlakyHook Hook { get; }
    }

    private readonly HttpClient _client = node.Client;

    private Task<HttpResponseMessage> Decide(string caseId, object body, string reviewer = "reviewer-li")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/decision") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Reviewer", reviewer);
        return _client.SendAsync(request);
    }

    private static System.Text.Json.Nodes.JsonObject Death(string source, string recordId, SilentCert.Domain.IdNumber id, string observedAt, string deathDate) =>
        Record(source, recordId, id.Value, observedAt, deathDate: deathDate);

    private async Task<JsonElement[]> Cases(string state = "open") =>
        [.. (await _client.GetFromJsonAsync<JsonElement>($"/api/v1/cases?state={state}")).EnumerateArray()];

    [Fact]
    public async Task A_refuted_death_record_is_back_paid_and_corrected_and_a_confirmed_one_ends_with_estate_and_cancellation()
    {
        var living = People.NewIdNumber(new DateOnly(1948, 5, 5));
        var dead = People.NewIdNumber(new DateOnly(1947, 6, 6));
        var l = await _client.Enrol(EnrolmentBody(living, new DateOnly(2026, 1, 5)));
        var d = await _client.Enrol(EnrolmentBody(dead, new DateOnly(2026, 1, 5), monthlyAmount: 2000.00m));
        await _client.ClosePayroll("2026-01");
        await node.Node.MoveClockTo(_client, Local(2026, 2, 1));
        await _client.ClosePayroll("2026-02");

        // 10 February: the health commission reports L dead on 5 February (wrongly); civil affairs and the health
        // commission both report D dead on 8 February — one death, one case.
        await node.Node.MoveClockTo(_client, Local(2026, 2, 10, 10));
        var sent = await _client.SendEvidenceOk(
            Death("death-health", "H-1", living, "2026-02-10T09:00:00+08:00", "2026-02-05"),
            Death("death-civil-affairs", "C-1", dead, "2026-02-10T08:00:00+08:00", "2026-02-08"),
            Death("death-health", "H-2", dead, "2026-02-10T09:30:00+08:00", "2026-02-08"));
        Assert.Equal(3, sent.GetProperty("accepted").GetInt32());

        // Rules 11-12: nobody is terminated; both are held; two cases, not three.
        var open = (await Cases()).Where(c => c.GetProperty("beneficiaryId").GetString() is { } b && (b == l || b == d)).ToList();
        Assert.Equal(2, open.Count);
        var lCase = open.Single(c => c.GetProperty("beneficiaryId").GetString() == l);
        var dCase = open.Single(c => c.GetProperty("beneficiaryId").GetString() == d);
        Assert.Equal(("death-health", "H-1", "2026-02-05", false), (lCase.GetProperty("source").GetString(), lCase.GetProperty("sourceRecordId").GetString(),
            lCase.GetProperty("reportedDeathDate").GetString(), lCase.GetProperty("conflicting").GetBoolean()));
        Assert.Equal(("death-civil-affairs", "C-1", "2026-02-08"), (dCase.GetProperty("source").GetString(), dCase.GetProperty("sourceRecordId").GetString(),
            dCase.GetProperty("reportedDeathDate").GetString()));
        var lView = await _client.View(l);
        Assert.Equal("held", lView.GetProperty("status").GetString());
        Assert.Equal("held", lView.GetProperty("programmes")[0].GetProperty("status").GetString());
        Assert.Equal(lCase.GetProperty("caseId").GetString(), lView.GetProperty("openCase").GetProperty("caseId").GetString());
        Assert.Equal(["enrolled", "renewed", "case-opened", "held"], Events(lView));
        Assert.Equal(["enrolled", "renewed", "case-opened", "held", "case-joined"], Events(await _client.View(d)));

        // Rule 12: held from the first open month: March and April are withheld and closed so.
        foreach (var month in new[] { 3, 4 })
        {
            await node.Node.MoveClockTo(_client, Local(2026, month, 1));
            var closed = (await _client.ClosePayroll($"2026-{month:00}")).Json;
            Assert.Equal([("withheld", "3200.00", $"2026-{month:00}")], PayrollCalls.LinesOf(closed, l));
            Assert.Equal([("withheld", "2000.00", $"2026-{month:00}")], PayrollCalls.LinesOf(closed, d));
        }

        // 10 April, two months on: a reviewer refutes L's case and confirms D's, who died on 15 March.
        await node.Node.MoveClockTo(_client, Local(2026, 4, 10, 10));
        var refuted = await Decide(lCase.GetProperty("caseId").GetString()!, new { outcome = "refuted", note = "seen at the clinic on 2 March" });
        Assert.Equal(HttpStatusCode.OK, refuted.StatusCode);
        var confirmed = await Decide(dCase.GetProperty("caseId").GetString()!, new { outcome = "confirmed", deathDate = "2026-03-15" });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var answer = await confirmed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("confirmed", "2026-03-15", "reviewer-li"),
            (answer.GetProperty("outcome").GetString(), answer.GetProperty("deathDate").GetString(), answer.GetProperty("decidedBy").GetString()));

        // Rule 13. L: held again no more; March and April, withheld by closed payrolls, are back-paid in May, the first
        // open month: 2 × 3,200.00 = 6,400.00. D: entitled up to March; March (withheld) is owed to the estate, 2,000.00;
        // April is cancelled; nothing from May.
        await node.Node.MoveClockTo(_client, Local(2026, 5, 1));
        var may = (await _client.Payroll("2026-05")).Json;
        Assert.Equal([("regular", "3200.00", "2026-05"), ("arrears", "6400.00", "2026-03;2026-04")], PayrollCalls.LinesOf(may, l));
        Assert.Equal([("estate", "2000.00", "2026-03")], PayrollCalls.LinesOf(may, d));
        Assert.Equal(("3200.00", "0.00", "6400.00", "2000.00", "0.00"), PayrollCalls.Totals(may));

        lView = await _client.View(l);
        Assert.Equal("certified", lView.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, lView.GetProperty("openCase").ValueKind);
        Assert.Equal(["enrolled", "renewed", "case-opened", "held", "refuted", "released"], Events(lView));
        var dView = await _client.View(d);
        Assert.Equal("terminated", dView.GetProperty("status").GetString());
        Assert.Equal(["enrolled", "renewed", "case-opened", "held", "case-joined", "confirmed", "terminated"], Events(dView));
        var decision = dView.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("event").GetString() == "confirmed");
        Assert.Equal(("reviewer:reviewer-li", "confirm-death"), (decision.GetProperty("cause").GetString(), decision.GetProperty("rule").GetString()));

        // The correction notice names the erroneous record and reaches the health commission (after one failed attempt).
        var key = $"{l}:correction:{lCase.GetProperty("caseId").GetString()}:death-health:H-1";
        await DeliverUntil(node.Node, node.Hook, key);
        var notices = node.Hook.Requests.Where(r => r.Key == key).ToList();
        Assert.Equal([500, 200], notices.Select(r => r.Status));
        var notice = JsonSerializer.Deserialize<JsonElement>(notices[^1].Body);
        Assert.Equal(("correction-notice", "health", "death-health", "H-1", "2026-02-05", "seen at the clinic on 2 March", l),
            (notice.GetProperty("kind").GetString(), notice.GetProperty("department").GetString(), notice.GetProperty("source").GetString(),
                notice.GetProperty("sourceRecordId").GetString(), notice.GetProperty("reportedDeathDate").GetString(), notice.GetProperty("note").GetString(),
                notice.GetProperty("beneficiaryId").GetString()));
        Assert.DoesNotContain(living.Value, notices[^1].Body, StringComparison.Ordinal);
        Assert.DoesNotContain(node.Hook.Requests, r => r.Key.StartsWith(d, StringComparison.Ordinal));
        var lNotes = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?beneficiaryId={l}");
        var correction = Assert.Single(lNotes.EnumerateArray(), n => n.GetProperty("kind").GetString() == "correction-notice");
        Assert.NotEqual(JsonValueKind.Null, correction.GetProperty("deliveredAt").ValueKind);

        // Data quality per source department: health had one record refuted and one confirmed; civil affairs one confirmed.
        var quality = await _client.GetFromJsonAsync<JsonElement>("/api/v1/reports/data-quality");
        var health = quality.EnumerateArray().Single(q => q.GetProperty("department").GetString() == "health");
        var civil = quality.EnumerateArray().Single(q => q.GetProperty("department").GetString() == "civil-affairs");
        Assert.Equal((1L, 1L), (health.GetProperty("confirmed").GetInt64(), health.GetProperty("refuted").GetInt64()));
        Assert.Equal((1L, 0L), (civil.GetProperty("confirmed").GetInt64(), civil.GetProperty("refuted").GetInt64()));

        // A decided case stays decided.
        var again = await Decide(lCase.GetProperty("caseId").GetString()!, new { outcome = "confirmed", deathDate = "2026-02-05" });
        await ProblemAssert.Is(again, HttpStatusCode.Conflict);
        Assert.Equal("certified", (await _client.View(l)).GetProperty("status").GetString());
        var decided = (await Cases("decided")).Single(c => c.GetProperty("caseId").GetString() == lCase.GetProperty("caseId").GetString());
        Assert.Equal(("refuted", "reviewer-li"), (decided.GetProperty("outcome").GetString(), decided.GetProperty("decidedBy").GetString()));
    }

    [Fact]
    public async Task A_death_record_contradicted_by_later_travel_is_conflicting_listed_first_and_pays_on()
    {
        var id = People.NewIdNumber(new DateOnly(1949, 7, 7));
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2026, 1, 5), programme: "dibao"));
        await _client.SendEvidenceOk(Record("travel-realname", "T-77", id.Value, "2026-01-05T08:00:00+08:00"));
        // An ordinary case (enrolled in person before the reported death, nothing since), opened before the conflicting
        // one: by age alone it would come first.
        var ordinaryId = People.NewIdNumber(new DateOnly(1949, 7, 8));
        var ordinary = await _client.Enrol(EnrolmentBody(ordinaryId, new DateOnly(2025, 12, 1), programme: "dibao"));
        await _client.SendEvidenceOk(Death("deregistration-police", "P-78", ordinaryId, "2026-01-05T08:20:00+08:00", "2026-01-02"));

        await _client.SendEvidenceOk(Death("deregistration-police", "P-77", id, "2026-01-05T08:30:00+08:00", "2026-01-02"));

        // Rule 12: conflicting cases head the queue, before older ordinary ones.
        var queue = await Cases();
        var position = Array.FindIndex(queue, c => c.GetProperty("beneficiaryId").GetString() == key);
        var ordinaryPosition = Array.FindIndex(queue, c => c.GetProperty("beneficiaryId").GetString() == ordinary);
        Assert.True(queue[position].GetProperty("conflicting").GetBoolean());
        Assert.False(queue[ordinaryPosition].GetProperty("conflicting").GetBoolean());
        Assert.True(position < ordinaryPosition, $"conflicting case at {position}, ordinary one at {ordinaryPosition}");
        Assert.All(queue[..position], c => Assert.True(c.GetProperty("conflicting").GetBoolean()));
        var view = await _client.View(key);
        Assert.Equal("certified", view.GetProperty("status").GetString());
        Assert.True(view.GetProperty("openCase").GetProperty("conflicting").GetBoolean());
        Assert.Equal(["enrolled", "renewed", "case-opened", "conflicting"], Events(view));
    }

    [Theory]
    [InlineData("{}", "outcome")]
    [InlineData("{\"outcome\":\"maybe\"}", "outcome")]
    [InlineData("{\"outcome\":\"confirmed\"}", "deathDate")]
    [InlineData("{\"outcome\":\"confirmed\",\"deathDate\":\"2026/01/01\"}", "deathDate")]
    [InlineData("{\"outcome\":\"confirmed\",\"deathDate\":\"2099-01-01\"}", "deathDate")]
    [InlineData("{\"outcome\":\"confirmed\",\"deathDate\":\"1900-01-01\"}", "deathDate")]
    public async Task A_decision_that_cannot_stand_answers_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var id = People.NewIdNumber(new DateOnly(1946, 8, 8));
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2026, 1, 5), programme: "elderly-allowance"));
        await _client.SendEvidenceOk(Death("death-health", $"H-{Guid.NewGuid():N}", id, "2026-01-05T08:30:00+08:00", "2026-01-04"));
        var caseId = (await _client.View(key)).GetProperty("openCase").GetProperty("caseId").GetString()!;
        var before = await _client.ViewText(key);

        var response = await _client.PostRaw($"/api/v1/cases/{caseId}/decision", body);

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await _client.ViewText(key));
    }

    [Fact]
    public async Task A_note_or_reviewer_holding_an_ID_number_is_refused_and_changes_nothing()
    {
        var id = People.NewIdNumber(new DateOnly(1946, 9, 9));
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2026, 1, 5), programme: "elderly-allowance"));
        await _client.SendEvidenceOk(Death("death-health", $"H-{key[^8..]}", id, "2026-01-05T08:30:00+08:00", "2026-01-04"));
        var caseId = (await _client.View(key)).GetProperty("openCase").GetProperty("caseId").GetString()!;
        var before = await _client.ViewText(key);

        var note = await Decide(caseId, new { outcome = "refuted", note = $"confused with {id.Value}" });
        var reviewer = await Decide(caseId, new { outcome = "refuted" }, reviewer: id.Value);

        await ProblemAssert.Is(note, HttpStatusCode.BadRequest, "note");
        await ProblemAssert.NeverRepeats(note, id.Value);
        await ProblemAssert.Is(reviewer, HttpStatusCode.BadRequest, "X-Reviewer");
        Assert.Equal(before, await _client.ViewText(key));
    }

    [Fact]
    public async Task Deciding_an_unknown_case_answers_404_and_an_unknown_state_400()
    {
        await ProblemAssert.Is(await Decide("case-999999999", new { outcome = "refuted" }), HttpStatusCode.NotFound);
        await ProblemAssert.Is(await _client.GetAsync("/api/v1/cases?state=closed"), HttpStatusCode.BadRequest, "state");
    }
}
