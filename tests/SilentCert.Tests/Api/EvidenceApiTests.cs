using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves evidence batches: rules 1-7 renew deadlines, bad records are rejected alone, re-sends are duplicates, unreadable batches change nothing.
public sealed class EvidenceApiTests(EvidenceApiTests.Node node) : IClassFixture<EvidenceApiTests.Node>
{
    /// <summary>Monday 2026-06-01 09:00 in China; nothing in this class moves the clock.</summary>
    public sealed class Node() : ApiNode(Local(2026, 6, 1, 9));

    private static readonly DateTimeOffset Now = Local(2026, 6, 1, 9);
    private readonly HttpClient _client = node.Client;

    /// <summary>Enrolled on 2025-09-01, so by rules 5 and 2 certified until 2026-09-01.</summary>
    private async Task<(IdNumber Id, string Key)> Enrolled(DateOnly birthDate)
    {
        var id = People.NewIdNumber(birthDate);
        return (id, await _client.Enrol(id, new DateOnly(2025, 9, 1)));
    }

    private static JsonElement Programme(JsonElement view) => Assert.Single(view.GetProperty("programmes").EnumerateArray());

    private static void AssertBatch(JsonElement result, int accepted, int duplicates, int unknownPersons, int rejected)
    {
        Assert.Equal(
            (accepted, duplicates, unknownPersons, rejected),
            (result.GetProperty("accepted").GetInt32(), result.GetProperty("duplicates").GetInt32(),
             result.GetProperty("unknownPersons").GetInt32(), result.GetProperty("rejected").GetArrayLength()));
    }

    private Task<long> LoggedFor(string key) => node.Database.Count("select count(*) from evidence_log where person_key = $1", key);

    [Fact]
    public async Task Strong_evidence_renews_the_deadline_twelve_months_from_the_day_it_was_observed()
    {
        var (id, key) = await Enrolled(new DateOnly(1956, 3, 3));

        var result = await _client.SendEvidenceOk(Record("travel-realname", "STRONG-1", id.Value, "2026-05-10T08:00:00+08:00", region: "340102"));

        AssertBatch(result, accepted: 1, duplicates: 0, unknownPersons: 0, rejected: 0);
        var view = await _client.View(key);
        // Rules 1-2: strong evidence on 2026-05-10 → 2026-05-10 + 12 months = 2027-05-10, later than 2026-09-01.
        Assert.Equal("2027-05-10", Programme(view).GetProperty("deadline").GetString());
        Assert.Equal("certified", view.GetProperty("status").GetString());
        var last = view.GetProperty("lastCertification");
        Assert.Equal(("travel-realname", "2026-05-10", "strong"),
            (last.GetProperty("source").GetString(), last.GetProperty("observedOn").GetString(), last.GetProperty("strength").GetString()));
        var renewal = view.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("2026-06-01T09:00:00+08:00", "renewed", "travel-realname:STRONG-1", "strong-12m"),
            (renewal.GetProperty("at").GetString(), renewal.GetProperty("event").GetString(), renewal.GetProperty("cause").GetString(), renewal.GetProperty("rule").GetString()));
        Assert.Equal(1L, await LoggedFor(key));
    }

    [Fact]
    public async Task Weak_evidence_renews_six_months_from_its_China_date_and_ends_the_warning_window()
    {
        var id = People.NewIdNumber(new DateOnly(1957, 4, 4));
        // Rules 5 and 2: enrolled 2025-06-15 → deadline 2026-06-15, 14 days after today: inside the 30-day window.
        var key = await _client.Enrol(id, new DateOnly(2025, 6, 15));
        Assert.Equal("due", (await _client.View(key)).GetProperty("status").GetString());

        // 2026-03-09T17:00Z is 2026-03-10 01:00 in China (rule 7), so the evidence is of 2026-03-10.
        var result = await _client.SendEvidenceOk(Record("vaccination", "WEAK-1", id.Value, "2026-03-09T17:00:00Z"));

        AssertBatch(result, accepted: 1, duplicates: 0, unknownPersons: 0, rejected: 0);
        var view = await _client.View(key);
        // Rule 2: weak evidence on 2026-03-10 → 2026-03-10 + 6 months = 2026-09-10, later than 2026-06-15; the window
        // for it opens 2026-08-11, so today the person is certified again.
        Assert.Equal("2026-09-10", Programme(view).GetProperty("deadline").GetString());
        Assert.Equal("certified", view.GetProperty("status").GetString());
        var last = view.GetProperty("lastCertification");
        Assert.Equal(("vaccination", "2026-03-10", "weak"),
            (last.GetProperty("source").GetString(), last.GetProperty("observedOn").GetString(), last.GetProperty("strength").GetString()));
        Assert.Equal("weak-6m", view.GetProperty("history").EnumerateArray().Last().GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Earlier_evidence_arriving_later_never_moves_the_deadline_backward()
    {
        var (id, key) = await Enrolled(new DateOnly(1958, 5, 5));
        await _client.SendEvidenceOk(Record("travel-realname", "LATE-1", id.Value, "2026-05-10T08:00:00+08:00"));

        // Rule 6: a medical visit of 2026-04-01 arrives after the journey of 2026-05-10. By rule 1 it alone would give
        // 2027-04-01, earlier than 2027-05-10, so the deadline stays.
        var result = await _client.SendEvidenceOk(Record("medical-visit", "LATE-2", id.Value, "2026-04-01T10:00:00+08:00"));

        AssertBatch(result, accepted: 1, duplicates: 0, unknownPersons: 0, rejected: 0);
        var view = await _client.View(key);
        Assert.Equal("2027-05-10", Programme(view).GetProperty("deadline").GetString());
        Assert.Equal("travel-realname", view.GetProperty("lastCertification").GetProperty("source").GetString());
        Assert.Equal(["enrolled", "renewed", "renewed"], Events(view));
    }

    [Fact]
    public async Task A_bad_record_is_rejected_alone_with_its_index_and_field_and_the_good_ones_are_kept()
    {
        var (id, key) = await Enrolled(new DateOnly(1959, 6, 6));
        var wrongCheck = BadIdNumbers.WrongCheckCharacter(id);
        var noSuchDate = BadIdNumbers.ImpossibleBirthDate("340102", "19590230");
        var beyondSkew = Instant(Now + EvidenceValidation.ClockSkew + TimeSpan.FromSeconds(1));

        var response = await _client.SendEvidence(
            Record("travel-realname", "MIX-0", id.Value, "2026-05-10T08:00:00+08:00"),
            Record("bus-ticket", "MIX-1", id.Value, "2026-05-10T08:00:00+08:00"),
            Record("travel-realname", "MIX-2", wrongCheck, "2026-05-10T08:00:00+08:00"),
            Record("travel-realname", "MIX-3", id.Value, beyondSkew),
            Record("travel-realname", "MIX-4", id.Value, "2026-05-10T08:00:00"),
            Record("vaccination", "MIX-5", id.Value, "2026-05-11T08:00:00+08:00"),
            Record("travel-realname", null, id.Value, "2026-05-10T08:00:00+08:00"),
            Record("travel-realname", "MIX-7", id.Value, "2026-05-10T08:00:00+08:00", deathDate: "2026-05-01"),
            Record("medical-visit", "MIX-8", noSuchDate, "2026-05-10T08:00:00+08:00"),
            Record("medical-visit", "MIX-9", id.Value, "2026-05-10T08:00:00+08:00", region: "34010"),
            null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProblemAssert.NeverRepeats(response, id.Value, wrongCheck, noSuchDate);
        var result = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        AssertBatch(result, accepted: 2, duplicates: 0, unknownPersons: 0, rejected: 9);
        var rejected = result.GetProperty("rejected").EnumerateArray().ToArray();
        (int Index, string? Record, string Mentions)[] expected =
        [
            (1, "MIX-1", "source"), (2, "MIX-2", "check character"), (3, "MIX-3", "observedAt"), (4, "MIX-4", "observedAt"),
            (6, null, "sourceRecordId"), (7, "MIX-7", "deathDate"), (8, "MIX-8", "birth date"), (9, "MIX-9", "region"), (10, null, "record"),
        ];
        Assert.Equal(expected.Select(e => (e.Index, e.Record)),
            rejected.Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("sourceRecordId").GetString())));
        foreach (var (e, r) in expected.Zip(rejected))
        {
            Assert.Contains(e.Mentions, r.GetProperty("error").GetString()!, StringComparison.Ordinal);
        }
        Assert.Contains("idNumber", rejected[1].GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.Contains("future", rejected[2].GetProperty("error").GetString()!, StringComparison.Ordinal);

        // Only MIX-0 and MIX-5 are kept. Rule 1: the journey of 2026-05-10 gives 2027-05-10; the vaccination of
        // 2026-05-11 gives 2026-11-11, earlier, but it is the latest certification.
        Assert.Equal(2L, await LoggedFor(key));
        Assert.Equal(2L, await node.Database.Count("select count(*) from evidence_log where source_record_id like 'MIX-%'"));
        var view = await _client.View(key);
        Assert.Equal("2027-05-10", Programme(view).GetProperty("deadline").GetString());
        Assert.Equal("vaccination", view.GetProperty("lastCertification").GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_ID_number_sent_in_the_wrong_field_is_not_repeated_in_the_rejection()
    {
        var (id, key) = await Enrolled(new DateOnly(1959, 6, 7));

        // A shifted column: the ID number where the source code belongs.
        var response = await _client.SendEvidence(Record(id.Value, "SHIFT-1", id.Value, "2026-05-10T08:00:00+08:00"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProblemAssert.NeverRepeats(response, id.Value);
        var result = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        AssertBatch(result, accepted: 0, duplicates: 0, unknownPersons: 0, rejected: 1);
        Assert.Contains("source", result.GetProperty("rejected")[0].GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.Equal(0L, await LoggedFor(key));
    }

    [Fact]
    public async Task Evidence_up_to_the_allowed_clock_skew_ahead_is_accepted()
    {
        var (id, key) = await Enrolled(new DateOnly(1960, 7, 7));

        // Exactly now + the allowed skew: 2026-06-01 09:05 in China; the evidence is of 2026-06-01.
        var result = await _client.SendEvidenceOk(Record("face-selfservice", "SKEW-1", id.Value, Instant(Now + EvidenceValidation.ClockSkew)));

        AssertBatch(result, accepted: 1, duplicates: 0, unknownPersons: 0, rejected: 0);
        // Rules 1-2: strong on 2026-06-01 → 2027-06-01.
        Assert.Equal("2027-06-01", Programme(await _client.View(key)).GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task Resending_records_counts_them_as_duplicates_and_changes_nothing()
    {
        var (id, key) = await Enrolled(new DateOnly(1961, 8, 8));
        var first = Record("travel-realname", "DUP-1", id.Value, "2026-05-10T08:00:00+08:00");
        var second = Record("bank-counter", "DUP-2", id.Value, "2026-05-20T08:00:00+08:00");
        AssertBatch(await _client.SendEvidenceOk(first, second), accepted: 2, duplicates: 0, unknownPersons: 0, rejected: 0);
        var before = await _client.ViewText(key);

        AssertBatch(await _client.SendEvidenceOk(first.DeepClone(), second.DeepClone()), accepted: 0, duplicates: 2, unknownPersons: 0, rejected: 0);

        // Rule 6: the same (source, sourceRecordId) counts once, even with another observation time.
        var changed = Record("travel-realname", "DUP-1", id.Value, "2026-05-31T08:00:00+08:00");
        AssertBatch(await _client.SendEvidenceOk(changed), accepted: 0, duplicates: 1, unknownPersons: 0, rejected: 0);
        Assert.Equal(before, await _client.ViewText(key));
        Assert.Equal(2L, await LoggedFor(key));
    }

    [Fact]
    public async Task The_same_record_twice_in_one_batch_is_kept_once()
    {
        var (id, key) = await Enrolled(new DateOnly(1962, 9, 9));
        var record = Record("counter-visit", "TWICE-1", id.Value, "2026-05-10T08:00:00+08:00");

        var result = await _client.SendEvidenceOk(record, record.DeepClone());

        AssertBatch(result, accepted: 1, duplicates: 1, unknownPersons: 0, rejected: 0);
        Assert.Equal(1L, await LoggedFor(key));
        Assert.Equal(["enrolled", "renewed", "renewed"], Events(await _client.View(key)));
    }

    [Fact]
    public async Task Records_about_people_not_enrolled_are_counted_and_not_kept()
    {
        var stranger = People.NewIdNumber(new DateOnly(1963, 10, 10));

        var response = await _client.SendEvidence(Record("travel-realname", "NOBODY-1", stranger.Value, "2026-05-10T08:00:00+08:00"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ProblemAssert.NeverRepeats(response, stranger.Value);
        AssertBatch(JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()), accepted: 0, duplicates: 0, unknownPersons: 1, rejected: 0);
        Assert.Equal(0L, await LoggedFor(People.Pseudonymizer.KeyOf(stranger)));
        Assert.Equal(0L, await node.Database.Count("select count(*) from beneficiary where person_key = $1", People.Pseudonymizer.KeyOf(stranger)));
    }

    [Fact]
    public async Task A_death_record_is_kept_as_negative_evidence_and_renews_nothing()
    {
        var (id, key) = await Enrolled(new DateOnly(1964, 11, 11));
        var before = Programme(await _client.View(key)).GetProperty("deadline").GetString();

        var result = await _client.SendEvidenceOk(Record("death-health", "DEATH-1", id.Value, "2026-05-02T00:00:00+08:00", deathDate: "2026-04-28"));

        AssertBatch(result, accepted: 1, duplicates: 0, unknownPersons: 0, rejected: 0);
        // Rule 11: negative evidence is kept (for a verification case) and certifies nobody: the deadline stays 2026-09-01.
        Assert.Equal(1L, await node.Database.Count("select count(*) from evidence_log where person_key = $1 and negative and death_date = '2026-04-28'", key));
        Assert.Equal("2026-09-01", before);
        Assert.Equal("2026-09-01", Programme(await _client.View(key)).GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task A_batch_of_exactly_10000_records_is_taken()
    {
        var (id, key) = await Enrolled(new DateOnly(1965, 12, 12));
        var records = Enumerable.Range(0, 10_000)
            .Select(i => (JsonNode?)Record("travel-realname", $"BIG-{i}", id.Value, "2026-05-10T08:00:00+08:00")).ToArray();

        var result = await _client.SendEvidenceOk(records);

        AssertBatch(result, accepted: 10_000, duplicates: 0, unknownPersons: 0, rejected: 0);
        Assert.Equal(10_000L, await LoggedFor(key));
        // Rules 1-2: all observed on 2026-05-10 → 2027-05-10.
        Assert.Equal("2027-05-10", Programme(await _client.View(key)).GetProperty("deadline").GetString());
    }

    [Fact]
    public async Task A_batch_over_10000_records_answers_400_and_keeps_none()
    {
        var (id, key) = await Enrolled(new DateOnly(1966, 1, 13));
        var before = await _client.ViewText(key);
        var records = Enumerable.Range(0, 10_001)
            .Select(i => (JsonNode?)Record("travel-realname", $"HUGE-{i}", id.Value, "2026-05-10T08:00:00+08:00")).ToArray();

        var response = await _client.SendEvidence(records);

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, "records", "10,000");
        await ProblemAssert.NeverRepeats(response, id.Value);
        Assert.Equal(0L, await LoggedFor(key));
        Assert.Equal(before, await _client.ViewText(key));
    }

    public static TheoryData<string, string[]> UnreadableBatches => new()
    {
        { "truncated", ["JSON"] },
        { "not an object", ["JSON"] },
        { "records missing", ["records"] },
        { "records not an array", ["records"] },
        { "observedAt as a number", ["records[1].observedAt"] },
        { "idNumber as a number", ["records[1].idNumber"] },
    };

    [Theory]
    [MemberData(nameof(UnreadableBatches))]
    public async Task A_batch_that_cannot_be_read_answers_400_naming_the_place_and_keeps_none(string fault, string[] detailMentions)
    {
        var (id, key) = await Enrolled(new DateOnly(1967, 2, 14));
        var before = await _client.ViewText(key);
        var logged = await node.Database.Count("select count(*) from evidence_log");
        // A good record first: a batch that cannot be read is refused whole, the good record with it.
        var good = Record("travel-realname", $"UNREAD-{fault}", id.Value, "2026-05-10T08:00:00+08:00").ToJsonString();
        var numeric = id.Value[..17] + "0";
        var json = fault switch
        {
            "truncated" => $"{{\"records\": [{good}, {{\"source\": \"travel-realname\", \"idNumber\": \"{id.Value}\"",
            "not an object" => $"[{good}]",
            "records missing" => $"{{\"record\": [{good}]}}",
            "records not an array" => $"{{\"records\": {good}}}",
            "observedAt as a number" => $"{{\"records\": [{good}, {{\"source\": \"travel-realname\", \"sourceRecordId\": \"X\", \"idNumber\": \"{id.Value}\", \"observedAt\": 20260510}}]}}",
            "idNumber as a number" => $"{{\"records\": [{good}, {{\"source\": \"travel-realname\", \"sourceRecordId\": \"X\", \"idNumber\": {numeric}, \"observedAt\": \"2026-05-10T08:00:00+08:00\"}}]}}",
            _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
        };

        var response = await _client.PostRaw("/api/v1/evidence", json);

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, detailMentions);
        await ProblemAssert.NeverRepeats(response, id.Value, numeric);
        Assert.Equal(logged, await node.Database.Count("select count(*) from evidence_log"));
        Assert.Equal(before, await _client.ViewText(key));
    }
}
