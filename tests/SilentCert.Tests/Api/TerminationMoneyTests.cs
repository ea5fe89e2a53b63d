using System.Net;
using System.Net.Http.Json;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves rule 13's money through the node: a death record confirmed by a reviewer ends entitlement with the month of death; the next open payroll owes withheld months up to it to the estate, recovers months paid after it,
// cancels later withheld months, and each programme's department is told of the termination.
public sealed class TerminationMoneyTests(TerminationMoneyTests.Node node) : IClassFixture<TerminationMoneyTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 1, 5, 9));

    private readonly HttpClient _client = node.Client;

    /// <summary>A civil-affairs death record (rule 11) observed an hour ago, confirmed at once by a reviewer (rule 13).</summary>
    private async Task ConfirmDeath(IdNumber id, string key, string deathDate, DateTimeOffset now)
    {
        await _client.SendEvidenceOk(Record("death-civil-affairs", $"C-{key[^8..]}", id.Value, Instant(now.AddHours(-1)), deathDate: deathDate));
        var caseId = (await _client.View(key)).GetProperty("openCase").GetProperty("caseId").GetString();
        var decision = await _client.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "confirmed", deathDate });
        Assert.Equal(HttpStatusCode.OK, decision.StatusCode);
    }

    [Fact]
    public async Task Confirmed_deaths_owe_withheld_months_to_the_estate_recover_later_payments_and_cancel_the_rest()
    {
        // A: enrolled 2025-03-10 → deadline 2026-03-10 (rules 5, 2), warned 2026-02-08, suspended from 2026-04-01 (rules 8, 9).
        var aId = People.NewIdNumber(new DateOnly(1950, 2, 2));
        var a = await _client.Enrol(EnrolmentBody(aId, new DateOnly(2025, 3, 10), startMonth: "2026-01"));
        // B: enrolled 2026-01-05 → certified until 2027-01-05, paid every month.
        var bId = People.NewIdNumber(new DateOnly(1950, 3, 3));
        var b = await _client.Enrol(EnrolmentBody(bId, new DateOnly(2026, 1, 5), monthlyAmount: 2100.50m));
        await _client.ClosePayroll("2026-01");
        foreach (var month in new[] { 2, 3, 4, 5 })
        {
            await node.Node.MoveClockTo(_client, Local(2026, month, 1));
            await _client.ClosePayroll($"2026-{month:00}");
        }
        Assert.Equal([("withheld", "3200.00", "2026-05")], PayrollCalls.LinesOf((await _client.Payroll("2026-05")).Json, a));

        // On 2 June reviewers confirm: A died on 2026-04-15 (entitled up to April), B on 2026-03-05 (up to March).
        await node.Node.MoveClockTo(_client, Local(2026, 6, 2, 10));
        await ConfirmDeath(aId, a, "2026-04-15", Local(2026, 6, 2, 10));
        await ConfirmDeath(bId, b, "2026-03-05", Local(2026, 6, 2, 10));

        // June is the settlement month. A: April was withheld and is owed to the estate (3,200.00); May, withheld after the
        // month of death, is cancelled. B: April and May were paid after the month of death: 2 × 2,100.50 = 4,201.00 to
        // recover. Neither has a June line of their own.
        var june = (await _client.Payroll("2026-06")).Json;
        Assert.Equal([("estate", "3200.00", "2026-04")], PayrollCalls.LinesOf(june, a));
        Assert.Equal([("recovery", "4201.00", "2026-04;2026-05")], PayrollCalls.LinesOf(june, b));
        Assert.Equal(("0.00", "0.00", "0.00", "3200.00", "4201.00"), PayrollCalls.Totals(june));

        // Closed once, settled for good: July has no line for either.
        await _client.ClosePayroll("2026-06");
        await node.Node.MoveClockTo(_client, Local(2026, 7, 1));
        var july = (await _client.Payroll("2026-07")).Json;
        Assert.Empty(PayrollCalls.LinesOf(july, a));
        Assert.Empty(PayrollCalls.LinesOf(july, b));

        foreach (var (key, from) in new[] { (a, "2026-05-01"), (b, "2026-04-01") })
        {
            var view = await _client.View(key);
            Assert.Equal("terminated", view.GetProperty("status").GetString());
            Assert.Equal("terminated", Assert.Single(view.GetProperty("programmes").EnumerateArray()).GetProperty("status").GetString());
            var last = view.GetProperty("history").EnumerateArray().Last();
            Assert.Equal(("terminated", "terminate-confirmed-death"), (last.GetProperty("event").GetString(), last.GetProperty("rule").GetString()));
            // The department hears of it through the outbox, effective from the month after the month of death.
            Assert.Equal(1L, await node.Database.Count(
                "select count(*) from notification_outbox where person_key = $1 and kind = 'department-push' and event = 'terminated' and effective_from = $2",
                key, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture)));
        }
        // No warnings or suspension wait for a terminated person.
        Assert.Null(await node.Database.ScalarAsync<DateTime?>("select next_action_at from beneficiary where person_key = $1", a));
    }
}
