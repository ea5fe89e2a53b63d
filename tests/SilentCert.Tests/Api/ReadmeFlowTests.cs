using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Api;

// Proves the README's walk-through over HTTP: certified → due → overdue → suspended → certified on the manual clock,
// and the two withheld months paid back to the fen in the next open payroll (rules 8-10, 14).
public sealed class ReadmeFlowTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly NodeFactory _node = new(Start);
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _node.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    private async Task<JsonElement> View(string id) =>
        await _client.GetFromJsonAsync<JsonElement>($"/api/v1/beneficiaries/{id}");

    [Fact]
    public async Task One_person_goes_certified_due_overdue_suspended_and_certified_again()
    {
        // The check character: weighted sum of the first 17 digits is 147, 147 mod 11 = 4 → "10X98765432"[4] = 8.
        const string idNumber = "340102195001011238";
        var enrol = await _client.PostAsJsonAsync("/api/v1/beneficiaries", new
        {
            idNumber, name = "张三", region = "340102",
            enrolments = new[] { new { programme = "pension-employee", monthlyAmount = 3200.00m, startMonth = "2026-01" } },
            enrolledOn = "2026-01-05",
        });
        Assert.Equal(HttpStatusCode.Created, enrol.StatusCode);
        var id = (await enrol.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString()!;

        // Evidence from the future is refused, so the clock moves past the journey first.
        await _node.MoveClockTo(_client, new DateTimeOffset(2026, 3, 16, 9, 0, 0, TimeSpan.FromHours(8)));
        var evidence = await _client.PostAsJsonAsync("/api/v1/evidence", new
        {
            records = new[] { new { source = "travel-realname", sourceRecordId = "T-123", idNumber, observedAt = "2026-03-15T08:00:00+08:00" } },
        });
        var batch = await evidence.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, batch.GetProperty("accepted").GetInt32());

        var view = await View(id);
        Assert.Equal("340102********1238", view.GetProperty("maskedIdNumber").GetString());
        Assert.Equal("certified", view.GetProperty("status").GetString());
        // Rule 1-2: strong evidence on 2026-03-15 → deadline 2027-03-15.
        Assert.Equal("2027-03-15", view.GetProperty("programmes")[0].GetProperty("deadline").GetString());
        Assert.Equal("travel-realname", view.GetProperty("lastCertification").GetProperty("source").GetString());

        // Rule 8: 2027-03-15 − 30 days = 2027-02-13.
        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 2, 13, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal("due", (await View(id)).GetProperty("status").GetString());
        var notes = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?beneficiaryId={id}");
        Assert.Equal(30, notes[0].GetProperty("daysBefore").GetInt32());

        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 3, 16, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal("overdue", (await View(id)).GetProperty("status").GetString());

        // Rule 9: suspended from the first day of the month after the deadline's month.
        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 4, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        view = await View(id);
        Assert.Equal("suspended", view.GetProperty("status").GetString());
        Assert.Equal("2027-04-01", view.GetProperty("programmes")[0].GetProperty("suspendedFrom").GetString());

        // Rule 14: April and May are withheld (3,200.00 each) and closed, the way the monthly bank run goes out.
        var april = await _client.PostAsync("/api/v1/payroll/pension-employee/2027-04/close", null);
        Assert.Equal(HttpStatusCode.OK, april.StatusCode);
        Assert.Equal(["withheld 3200.00 [2027-04]"], Lines(await april.Content.ReadFromJsonAsync<JsonElement>(), id));
        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 5, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        var may = await _client.PostAsync("/api/v1/payroll/pension-employee/2027-05/close", null);
        Assert.Equal(["withheld 3200.00 [2027-05]"], Lines(await may.Content.ReadFromJsonAsync<JsonElement>(), id));

        // Rule 10: a face check on 2027-06-10 certifies again, until 2028-06-10 (strong, age 77: 12 months).
        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 6, 10, 10, 0, 0, TimeSpan.FromHours(8)));
        await _client.PostAsJsonAsync("/api/v1/evidence", new
        {
            records = new[] { new { source = "face-selfservice", sourceRecordId = "F-9", idNumber, observedAt = "2027-06-10T09:30:00+08:00" } },
        });
        view = await View(id);
        Assert.Equal("certified", view.GetProperty("status").GetString());
        Assert.Equal("2028-06-10", view.GetProperty("programmes")[0].GetProperty("deadline").GetString());
        Assert.Contains(view.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "resumed");

        // Both withheld months come back in June, the first open month: 2 × 3,200.00 = 6,400.00, to the fen.
        var june = await _client.GetFromJsonAsync<JsonElement>("/api/v1/payroll/pension-employee/2027-06");
        Assert.Equal(["regular 3200.00 [2027-06]", "arrears 6400.00 [2027-04,2027-05]"], Lines(june, id));
        var csv = new HttpRequestMessage(HttpMethod.Get, "/api/v1/payroll/pension-employee/2027-06");
        csv.Headers.Accept.ParseAdd("text/csv");
        var file = await (await _client.SendAsync(csv)).Content.ReadAsStringAsync();
        Assert.Contains($"pension-employee,2027-06,{id},340102********1238,arrears,6400.00,2027-04;2027-05", file);
        Assert.DoesNotContain(idNumber, file);

        // README, "When a death is reported": a wrong death record holds the person (rules 11-12) until refuted (13).
        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 6, 12, 10, 0, 0, TimeSpan.FromHours(8)));
        await _client.PostAsJsonAsync("/api/v1/evidence", new
        {
            records = new[] { new { source = "death-health", sourceRecordId = "H-9", idNumber, observedAt = "2027-06-12T09:00:00+08:00", deathDate = "2027-06-11" } },
        });
        Assert.Equal("held", (await View(id)).GetProperty("status").GetString());
        var cases = await _client.GetFromJsonAsync<JsonElement>("/api/v1/cases");
        var caseId = Assert.Single(cases.EnumerateArray()).GetProperty("caseId").GetString();
        var decision = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/decision")
        {
            Content = JsonContent.Create(new { outcome = "refuted", note = "seen at the clinic" }),
        };
        decision.Headers.Add("X-Reviewer", "li.wei");
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(decision)).StatusCode);
        Assert.Equal("certified", (await View(id)).GetProperty("status").GetString());
        var quality = await _client.GetFromJsonAsync<JsonElement>("/api/v1/reports/data-quality");
        var health = Assert.Single(quality.EnumerateArray());
        Assert.Equal(("health", 0L, 0L, 1L), (health.GetProperty("department").GetString(), health.GetProperty("open").GetInt64(),
            health.GetProperty("confirmed").GetInt64(), health.GetProperty("refuted").GetInt64()));
    }

    private static string[] Lines(JsonElement payroll, string id) =>
    [
        .. payroll.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("beneficiaryId").GetString() == id)
            .Select(l => $"{l.GetProperty("kind").GetString()} {l.GetProperty("amount").GetDecimal():0.00} " +
                $"[{string.Join(",", l.GetProperty("months").EnumerateArray().Select(m => m.GetString()))}]"),
    ];
}
