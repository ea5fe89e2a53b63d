using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

/// <summary>The payroll calls the tests below repeat.</summary>
internal static class PayrollCalls
{
    public const string Programme = "pension-employee";

    public static async Task<(JsonElement Json, string Text)> Payroll(this HttpClient client, string month, string programme = Programme)
    {
        var response = await client.GetAsync($"/api/v1/payroll/{programme}/{month}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (JsonSerializer.Deserialize<JsonElement>(text), text);
    }

    public static async Task<(JsonElement Json, string Text)> ClosePayroll(this HttpClient client, string month, string programme = Programme)
    {
        var response = await client.PostAsync($"/api/v1/payroll/{programme}/{month}/close", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return (JsonSerializer.Deserialize<JsonElement>(text), text);
    }

    /// <summary>One person's lines as (kind, amount as written, months joined by ';').</summary>
    public static (string Kind, string Amount, string Months)[] LinesOf(JsonElement payroll, string beneficiaryId) =>
    [
        .. payroll.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("beneficiaryId").GetString() == beneficiaryId)
            .Select(l => (l.GetProperty("kind").GetString()!, l.GetProperty("amount").GetRawText(),
                string.Join(';', l.GetProperty("months").EnumerateArray().Select(m => m.GetString()))))
    ];

    /// <summary>The totals as written: (regular, withheld, arrears, estate, recovery).</summary>
    public static (string, string, string, string, string) Totals(JsonElement payroll)
    {
        var t = payroll.GetProperty("totals");
        return (t.GetProperty("regular").GetRawText(), t.GetProperty("withheld").GetRawText(), t.GetProperty("arrears").GetRawText(),
            t.GetProperty("estate").GetRawText(), t.GetProperty("recovery").GetRawText());
    }

    public static Task<JsonElement> Certify(this HttpClient client, IdNumber id, string recordId, DateTimeOffset observedAt) =>
        client.SendEvidenceOk(Record("face-selfservice", recordId, id.Value, Instant(observedAt)));
}

// Proves the issue's 'Done when': months withheld by closed payrolls come back as one arrears line in the first open month, once.
public sealed class PayrollBackPayTests(PayrollBackPayTests.Node node) : IClassFixture<PayrollBackPayTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 1, 5, 9));

    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task Withheld_months_of_closed_payrolls_are_back_paid_in_the_first_open_month_after_certification()
    {
        var id = People.NewIdNumber(new DateOnly(1960, 5, 1));
        // Rules 5 and 2: enrolled 2026-01-05 → deadline 2027-01-05, 3,200.00 a month from 2026-01.
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2026, 1, 5), startMonth: "2026-01"));

        // Rule 8: 2027-01-05 − 30 days = 2026-12-06.
        await node.Node.MoveClockTo(_client, Local(2026, 12, 6));
        Assert.Equal("due", (await _client.View(key)).GetProperty("status").GetString());
        var notes = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?beneficiaryId={key}");
        Assert.Equal(30, notes[0].GetProperty("daysBefore").GetInt32());

        // Rule 9: the deadline's month is January 2027, so suspended from 2027-02-01 (warned well over 7 days before).
        await node.Node.MoveClockTo(_client, Local(2027, 2, 1));
        var programme = Assert.Single((await _client.View(key)).GetProperty("programmes").EnumerateArray());
        Assert.Equal("2027-02-01", programme.GetProperty("suspendedFrom").GetString());

        // Rule 14: February and March are withheld and frozen by closing them.
        var february = (await _client.ClosePayroll("2027-02")).Json;
        Assert.True(february.GetProperty("closed").GetBoolean());
        Assert.Equal([("withheld", "3200.00", "2027-02")], PayrollCalls.LinesOf(february, key));
        await node.Node.MoveClockTo(_client, Local(2027, 3, 1));
        Assert.Equal([("withheld", "3200.00", "2027-03")], PayrollCalls.LinesOf((await _client.ClosePayroll("2027-03")).Json, key));

        // Rule 10: a face check on 2027-04-10 certifies again.
        await node.Node.MoveClockTo(_client, Local(2027, 4, 10, 10));
        await _client.Certify(id, "F-0410", Local(2027, 4, 10, 9, 30));

        // April is open and the settlement month: April itself is regular; February and March (withheld by closed
        // payrolls, payable now) are back-paid as one arrears line: 2 × 3,200.00 = 6,400.00.
        var april = (await _client.Payroll("2027-04")).Json;
        Assert.False(april.GetProperty("closed").GetBoolean());
        Assert.Equal("pension-employee", april.GetProperty("programme").GetString());
        Assert.Equal("2027-04", april.GetProperty("month").GetString());
        Assert.Equal([("regular", "3200.00", "2027-04"), ("arrears", "6400.00", "2027-02;2027-03")], PayrollCalls.LinesOf(april, key));
        Assert.Equal(("3200.00", "0.00", "6400.00", "0.00", "0.00"), PayrollCalls.Totals(april));

        // The bank's file: header, then the same lines with the masked ID number and two-decimal amounts.
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/payroll/pension-employee/2027-04");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        var csvResponse = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, csvResponse.StatusCode);
        Assert.Equal("text/csv", csvResponse.Content.Headers.ContentType?.MediaType);
        var csv = (await csvResponse.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("programme,month,beneficiaryId,maskedIdNumber,kind,amount,months", csv[0]);
        Assert.Equal(
            [$"pension-employee,2027-04,{key},{id.Masked},regular,3200.00,2027-04", $"pension-employee,2027-04,{key},{id.Masked},arrears,6400.00,2027-02;2027-03"],
            csv.Skip(1));
        Assert.DoesNotContain(id.Value, string.Join('\n', csv), StringComparison.Ordinal);

        // Once April is closed, its arrears settle February and March: May pays May only.
        Assert.Equal([("regular", "3200.00", "2027-04"), ("arrears", "6400.00", "2027-02;2027-03")],
            PayrollCalls.LinesOf((await _client.ClosePayroll("2027-04")).Json, key));
        var may = (await _client.Payroll("2027-05")).Json;
        Assert.Equal([("regular", "3200.00", "2027-05")], PayrollCalls.LinesOf(may, key));
        Assert.Equal(("3200.00", "0.00", "0.00", "0.00", "0.00"), PayrollCalls.Totals(may));
    }
}

// Proves that closing is idempotent and that a closed month never changes, whatever evidence comes later.
public sealed class PayrollClosingTests(PayrollClosingTests.Node node) : IClassFixture<PayrollClosingTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 1, 5, 9));

    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task Closing_twice_changes_nothing_and_later_evidence_does_not_change_a_closed_month()
    {
        var id = People.NewIdNumber(new DateOnly(1961, 6, 1));
        // Enrolled 2025-01-10 → deadline 2026-01-10, warned at once (rule 8) → suspended from 2026-02-01 (rule 9).
        var key = await _client.Enrol(id, new DateOnly(2025, 1, 10));
        await node.Node.MoveClockTo(_client, Local(2026, 2, 1));

        var first = await _client.ClosePayroll("2026-02");
        Assert.Equal([("withheld", "3200.00", "2026-02")], PayrollCalls.LinesOf(first.Json, key));
        var second = await _client.ClosePayroll("2026-02");
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(1, await node.Database.Count("select count(*) from payroll_month"));

        // Certified on 2026-02-03: February stays as closed; March (the settlement month) back-pays it.
        await node.Node.MoveClockTo(_client, Local(2026, 2, 3, 10));
        await _client.Certify(id, "F-0203", Local(2026, 2, 3, 9));
        Assert.Equal(first.Text, (await _client.Payroll("2026-02")).Text);
        Assert.Equal(first.Text, (await _client.ClosePayroll("2026-02")).Text);
        Assert.Equal([("regular", "3200.00", "2026-03"), ("arrears", "3200.00", "2026-02")],
            PayrollCalls.LinesOf((await _client.Payroll("2026-03")).Json, key));
    }
}

// Proves that an open month simply reflects the current state: withheld while suspended, regular once certified again, no arrears.
public sealed class PayrollOpenMonthTests(PayrollOpenMonthTests.Node node) : IClassFixture<PayrollOpenMonthTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 1, 5, 9));

    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task An_open_month_is_withheld_while_suspended_and_regular_once_certified_again_in_that_month()
    {
        var id = People.NewIdNumber(new DateOnly(1962, 7, 1));
        // Enrolled 2025-01-10 → deadline 2026-01-10 → suspended from 2026-02-01 (rules 5, 8, 9).
        var key = await _client.Enrol(id, new DateOnly(2025, 1, 10));
        await node.Node.MoveClockTo(_client, Local(2026, 2, 1));
        var suspended = (await _client.Payroll("2026-02")).Json;
        Assert.False(suspended.GetProperty("closed").GetBoolean());
        Assert.Equal([("withheld", "3200.00", "2026-02")], PayrollCalls.LinesOf(suspended, key));
        Assert.Equal(("0.00", "3200.00", "0.00", "0.00", "0.00"), PayrollCalls.Totals(suspended));

        // Certified in February itself: February was never closed, so it is simply paid; nothing is back-pay.
        await node.Node.MoveClockTo(_client, Local(2026, 2, 10, 10));
        await _client.Certify(id, "F-0210", Local(2026, 2, 10, 9));
        var certified = (await _client.Payroll("2026-02")).Json;
        Assert.Equal([("regular", "3200.00", "2026-02")], PayrollCalls.LinesOf(certified, key));
        Assert.Equal(("3200.00", "0.00", "0.00", "0.00", "0.00"), PayrollCalls.Totals(certified));
        Assert.Equal(0, await node.Database.Count("select count(*) from payroll_month"));
    }

    [Fact]
    public async Task A_month_before_anyone_starts_is_empty()
    {
        var empty = (await _client.Payroll("2001-01", "dibao")).Json;
        Assert.Equal(0, empty.GetProperty("lines").GetArrayLength());
        Assert.Equal(("0.00", "0.00", "0.00", "0.00", "0.00"), PayrollCalls.Totals(empty));
    }
}

// Proves the payroll errors: unknown programme 404, malformed month 400, closing a month not begun 409; each changes nothing.
public sealed class PayrollErrorTests(PayrollErrorTests.Node node) : IClassFixture<PayrollErrorTests.Node>
{
    /// <summary>
    /// 2026-06-30 23:59 in China: July has not begun. Nothing in this class moves the clock. The province says dibao began
    /// in 2026-01.
    /// </summary>
    public sealed class Node() : ApiNode(Local(2026, 6, 30, 23, 59), new Dictionary<string, string?> { ["Programmes:dibao:StartMonth"] = "2026-01" });

    private readonly HttpClient _client = node.Client;

    private Task<long> ClosedMonths() => node.Database.Count("select count(*) from payroll_month");

    [Theory]
    [InlineData("GET", "/api/v1/payroll/no-such-programme/2026-06")]
    [InlineData("POST", "/api/v1/payroll/no-such-programme/2026-06/close")]
    public async Task An_unknown_programme_is_not_found(string method, string url)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        await ProblemAssert.Is(response, HttpStatusCode.NotFound, "no-such-programme", "pension-employee");
        Assert.Equal(0, await ClosedMonths());
    }

    [Theory]
    [InlineData("2026-6")]
    [InlineData("2026-13")]
    [InlineData("202606")]
    [InlineData("2026-06-01")]
    public async Task A_month_not_written_yyyy_MM_is_refused(string month)
    {
        await ProblemAssert.Is(await _client.GetAsync($"/api/v1/payroll/pension-employee/{month}"), HttpStatusCode.BadRequest, "month", "yyyy-MM");
        await ProblemAssert.Is(await _client.PostAsync($"/api/v1/payroll/pension-employee/{month}/close", null), HttpStatusCode.BadRequest, "month", "yyyy-MM");
        Assert.Equal(0, await ClosedMonths());
    }

    [Fact]
    public async Task A_month_before_the_programme_began_is_refused()
    {
        await ProblemAssert.Is(await _client.GetAsync("/api/v1/payroll/dibao/2025-12"), HttpStatusCode.BadRequest, "month", "2026-01");
        await ProblemAssert.Is(await _client.PostAsync("/api/v1/payroll/dibao/2025-12/close", null), HttpStatusCode.BadRequest, "month", "2026-01");
        Assert.Equal(0, await ClosedMonths());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/api/v1/payroll/dibao/2026-01")).StatusCode);
    }

    [Fact]
    public async Task A_month_that_has_not_begun_cannot_be_closed()
    {
        // 2026-07-01T00:00+08:00 is still a minute away.
        await ProblemAssert.Is(await _client.PostAsync("/api/v1/payroll/pension-employee/2026-07/close", null), HttpStatusCode.Conflict, "2026-07");
        Assert.Equal(0, await ClosedMonths());
        Assert.False((await _client.Payroll("2026-07")).Json.GetProperty("closed").GetBoolean());
    }
}

// Proves the SQL payroll equals the rule-14 oracle (Payroll.LinesFor) for people with different suspension histories.
public sealed class PayrollOracleTests(PayrollOracleTests.Node node) : IClassFixture<PayrollOracleTests.Node>
{
    public sealed class Node() : ApiNode(Local(2026, 1, 5, 9));

    private readonly HttpClient _client = node.Client;

    private sealed record Person(IdNumber Id, string Key, YearMonth StartMonth);

    [Fact]
    public async Task The_payroll_equals_the_rule_14_oracle_for_several_suspension_histories()
    {
        async Task<Person> Enrol(int n, DateOnly enrolledOn, decimal amount)
        {
            var id = People.NewIdNumber(new DateOnly(1955, 1, n));
            return new Person(id, await _client.Enrol(EnrolmentBody(id, enrolledOn, monthlyAmount: amount)), YearMonth.Of(enrolledOn));
        }
        var alwaysCertified = await Enrol(1, new DateOnly(2026, 1, 5), 3200.00m);
        // Deadline 2026-01-10 → suspended from 2026-02; certified 2026-03-15, after February closed.
        var backInMarch = await Enrol(2, new DateOnly(2025, 1, 10), 2100.50m);
        // Deadline 2026-01-20 → suspended from 2026-02; never certified.
        var neverBack = await Enrol(3, new DateOnly(2025, 1, 20), 980.00m);
        // Deadline 2026-02-10 → suspended from 2026-03; certified 2026-04-05, after March closed.
        var backInApril = await Enrol(4, new DateOnly(2025, 2, 10), 1500.00m);
        // Deadline 2026-01-15 → suspended from 2026-02; certified 2026-04-05, after February and March closed.
        var backAfterTwo = await Enrol(5, new DateOnly(2025, 1, 15), 1234.56m);
        Person[] people = [alwaysCertified, backInMarch, neverBack, backInApril, backAfterTwo];

        await node.Node.MoveClockTo(_client, Local(2026, 2, 1));
        await AssertMatchesOracle(people, "2026-02", settles: true, closed: []);
        await _client.ClosePayroll("2026-02");
        await node.Node.MoveClockTo(_client, Local(2026, 3, 1));
        await AssertMatchesOracle(people, "2026-03", settles: true, closed: ["2026-02"]);
        await _client.ClosePayroll("2026-03");
        await node.Node.MoveClockTo(_client, Local(2026, 3, 15, 10));
        await _client.Certify(backInMarch.Id, "O-2", Local(2026, 3, 15, 9));
        await node.Node.MoveClockTo(_client, Local(2026, 4, 5, 10));
        await _client.Certify(backInApril.Id, "O-4", Local(2026, 4, 5, 9));
        await _client.Certify(backAfterTwo.Id, "O-5", Local(2026, 4, 5, 9));

        await AssertMatchesOracle(people, "2026-04", settles: true, closed: ["2026-02", "2026-03"]);
        var april = await _client.Payroll("2026-04");
        Assert.Equal(april.Text.Replace("\"closed\":false", "\"closed\":true", StringComparison.Ordinal), (await _client.ClosePayroll("2026-04")).Text);
        await AssertMatchesOracle(people, "2026-05", settles: true, closed: ["2026-02", "2026-03", "2026-04"]);
        await AssertMatchesOracle(people, "2026-06", settles: false, closed: ["2026-02", "2026-03", "2026-04"]);
    }

    private async Task AssertMatchesOracle(Person[] people, string month, bool settles, string[] closed)
    {
        YearMonth.TryParse(month, out var payrollMonth);
        var closedPayrolls = new List<(YearMonth Month, JsonElement Json)>();
        foreach (var m in closed)
        {
            YearMonth.TryParse(m, out var closedMonth);
            closedPayrolls.Add((closedMonth, (await _client.Payroll(m)).Json));
        }
        var payroll = (await _client.Payroll(month)).Json;
        foreach (var person in people)
        {
            var programme = Assert.Single((await _client.View(person.Key)).GetProperty("programmes").EnumerateArray());
            var suspendedFrom = programme.GetProperty("suspendedFrom");
            var entitlement = new Entitlement(person.StartMonth, programme.GetProperty("monthlyAmount").GetDecimal(),
                suspendedFrom.ValueKind == JsonValueKind.Null ? null : YearMonth.Of(DateOnly.Parse(suspendedFrom.GetString()!, CultureInfo.InvariantCulture)));
            var history = closedPayrolls.Select(c => new ClosedMonth(c.Month, Lines(c.Json, person.Key))).ToList();
            var expected = Payroll.LinesFor(entitlement, payrollMonth, history, settles);
            Assert.Equal(Summary(expected), Summary(Lines(payroll, person.Key)));
        }
    }

    private static ImmutableArray<PayrollLine> Lines(JsonElement payroll, string key) =>
    [
        .. payroll.GetProperty("lines").EnumerateArray()
            .Where(l => l.GetProperty("beneficiaryId").GetString() == key)
            .Select(l => new PayrollLine(
                Enum.Parse<PayrollLineKind>(l.GetProperty("kind").GetString()!, ignoreCase: true),
                l.GetProperty("amount").GetDecimal(),
                [.. l.GetProperty("months").EnumerateArray().Select(m => YearMonth.TryParse(m.GetString(), out var ym) ? ym : throw new FormatException(m.GetString()))])),
    ];

    private static string[] Summary(IEnumerable<PayrollLine> lines) =>
        [.. lines.Select(l => $"{l.Kind}:{l.Amount.ToString("0.00", CultureInfo.InvariantCulture)}:{string.Join(';', l.Months)}")];
}
