using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Api;

// Proves the README's walk-through over HTTP: certified → due → overdue → suspended → certified on the manual clock.
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

        // Rule 10: a face check on 2027-05-20 certifies again until 2028-05-20.
        await _node.MoveClockTo(_client, new DateTimeOffset(2027, 5, 20, 10, 0, 0, TimeSpan.FromHours(8)));
        await _client.PostAsJsonAsync("/api/v1/evidence", new
        {
            records = new[] { new { source = "face-selfservice", sourceRecordId = "F-9", idNumber, observedAt = "2027-05-20T09:30:00+08:00" } },
        });
        view = await View(id);
        Assert.Equal("certified", view.GetProperty("status").GetString());
        Assert.Equal("2028-05-20", view.GetProperty("programmes")[0].GetProperty("deadline").GetString());
        Assert.Contains(view.GetProperty("history").EnumerateArray(), h => h.GetProperty("event").GetString() == "resumed");
    }
}
