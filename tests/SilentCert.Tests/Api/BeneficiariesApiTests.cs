using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves enrol (201/200), update, lookup and the one-screen view in API.md's fields; bad input is 400, keeps no ID number, changes nothing.
public sealed class BeneficiariesApiTests(BeneficiariesApiTests.Node node) : IClassFixture<BeneficiariesApiTests.Node>
{
    /// <summary>Monday 2026-06-01 09:00 in China; nothing in this class moves the clock.</summary>
    public sealed class Node() : ApiNode(Local(2026, 6, 1, 9));

    private const string NowText = "2026-06-01T09:00:00+08:00";
    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task Enrolling_a_new_person_answers_201_with_the_pseudonymous_id_and_the_view_shows_the_enrolment()
    {
        var id = People.NewIdNumber(new DateOnly(1950, 1, 1));
        var response = await _client.PostAsJsonAsync("/api/v1/beneficiaries",
            EnrolmentBody(id, new DateOnly(2026, 5, 20), flags: ["empty-nest"]));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString()!;
        // Decision 1: the ID is ben- + HMAC of the ID number under the node's key, never the number itself.
        Assert.Equal(People.Pseudonymizer.KeyOf(id), key);
        Assert.Equal($"/api/v1/beneficiaries/{key}", response.Headers.Location?.OriginalString);
        await ProblemAssert.NeverRepeats(response, id.Value);

        var view = await _client.View(key);
        Assert.Equal(key, view.GetProperty("beneficiaryId").GetString());
        Assert.Equal(id.Value[..6] + "********" + id.Value[14..], view.GetProperty("maskedIdNumber").GetString());
        Assert.DoesNotContain(id.Value, view.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("340102", view.GetProperty("region").GetString());
        Assert.Equal(["empty-nest"], view.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        // Rules 5 and 2: enrolment on 2026-05-20 is strong evidence → deadline 2026-05-20 + 12 months = 2027-05-20.
        // Empty-nest keeps the standard period (rule 3); born 1950, the person is 76, under 80. Today 2026-06-01 is
        // before the warning window (2027-05-20 − 30 days = 2027-04-20), so: certified.
        Assert.Equal("certified", view.GetProperty("status").GetString());
        var last = view.GetProperty("lastCertification");
        Assert.Equal(("enrolment", "2026-05-20", "strong"),
            (last.GetProperty("source").GetString(), last.GetProperty("observedOn").GetString(), last.GetProperty("strength").GetString()));
        var programme = Assert.Single(view.GetProperty("programmes").EnumerateArray());
        Assert.Equal("pension-employee", programme.GetProperty("programme").GetString());
        Assert.Equal("certified", programme.GetProperty("status").GetString());
        Assert.Equal("2027-05-20", programme.GetProperty("deadline").GetString());
        Assert.Equal(JsonValueKind.Null, programme.GetProperty("suspendedFrom").ValueKind);
        Assert.Equal(3200.00m, programme.GetProperty("monthlyAmount").GetDecimal());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("openCase").ValueKind);
        // Rule 15: every decision with its time (the node's clock), cause and rule.
        var history = view.GetProperty("history").EnumerateArray()
            .Select(h => (h.GetProperty("at").GetString(), h.GetProperty("event").GetString(), h.GetProperty("cause").GetString(), h.GetProperty("rule").GetString()))
            .ToArray();
        Assert.Equal(
            [
                (NowText, "enrolled", "enrolment:2026-05-20", "enrolment-in-person"),
                (NowText, "renewed", "enrolment:2026-05-20", "strong-12m"),
            ],
            history);
    }

    [Fact]
    public async Task Enrolling_the_same_ID_number_again_answers_200_and_changes_only_the_fields_sent()
    {
        var id = People.NewIdNumber(new DateOnly(1951, 2, 3));
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2026, 5, 20), flags: ["disabled"]));

        // The update sends a new name and region and one more programme, and neither phone nor flags.
        var update = new JsonObject
        {
            ["idNumber"] = id.Value,
            ["name"] = "张三丰",
            ["region"] = "340104",
            ["enrolments"] = new JsonArray(new JsonObject { ["programme"] = "dibao", ["monthlyAmount"] = 800.50m, ["startMonth"] = "2026-06" }),
            ["enrolledOn"] = "2026-05-20",
        };
        var response = await _client.PostAsJsonAsync("/api/v1/beneficiaries", update);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(key, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString());
        var view = await _client.View(key);
        Assert.Equal("340104", view.GetProperty("region").GetString());
        Assert.Equal(["disabled"], view.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        // pension-employee was not sent, so it stays as it was; dibao joins and takes its deadline from the evidence
        // already known (rule 4, 互认复用): enrolment on 2026-05-20 + 12 months = 2027-05-20.
        var programmes = view.GetProperty("programmes").EnumerateArray()
            .Select(p => (p.GetProperty("programme").GetString(), p.GetProperty("monthlyAmount").GetDecimal(), p.GetProperty("deadline").GetString(), p.GetProperty("status").GetString()))
            .ToArray();
        Assert.Equal([("pension-employee", 3200.00m, "2027-05-20", "certified"), ("dibao", 800.50m, "2027-05-20", "certified")], programmes);
        Assert.Equal(["enrolled", "renewed", "updated", "renewed"], Events(view));
        Assert.Equal(1L, await node.Database.Count("select count(*) from beneficiary where person_key = $1", key));
        Assert.Equal(2L, await node.Database.Count("select count(*) from enrolment_status where person_key = $1", key));

        // Flags that are sent replace the old ones, even an empty list.
        update["flags"] = new JsonArray();
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsJsonAsync("/api/v1/beneficiaries", update)).StatusCode);
        Assert.Empty((await _client.View(key)).GetProperty("flags").EnumerateArray());
    }

    [Fact]
    public async Task Lookup_finds_an_enrolled_person_by_ID_number_and_answers_404_for_anyone_else()
    {
        var id = People.NewIdNumber(new DateOnly(1952, 4, 5));
        var key = await _client.Enrol(id, new DateOnly(2026, 5, 1));

        var found = await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = id.Value });
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(key, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString());

        var stranger = People.NewIdNumber(new DateOnly(1952, 4, 6));
        var missing = await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = stranger.Value });
        await ProblemAssert.Is(missing, HttpStatusCode.NotFound);
        await ProblemAssert.NeverRepeats(missing, stranger.Value);

        var invalid = await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = BadIdNumbers.WrongCheckCharacter(id) });
        await ProblemAssert.Is(invalid, HttpStatusCode.BadRequest, "idNumber", "check character");
        await ProblemAssert.NeverRepeats(invalid, BadIdNumbers.WrongCheckCharacter(id), id.Value);
    }

    [Fact]
    public async Task Lookup_reads_a_lower_case_x_check_character_as_X()
    {
        // The first sequence number whose check character is X: ID numbers are written with a capital X (GB 11643),
        // but clerks type a small one.
        var id = Enumerable.Range(0, 1000).Select(s => IdNumber.Compose("340102", new DateOnly(1953, 7, 8), s)).First(i => i.Value.EndsWith('X'));
        var key = await _client.Enrol(id, new DateOnly(2026, 5, 1));

        var found = await _client.PostAsJsonAsync("/api/v1/beneficiaries/lookup", new { idNumber = id.Value.ToLowerInvariant() });

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(key, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString());
    }

    [Theory]
    [InlineData("ben-0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ben-123")]
    [InlineData("340102195001011238")]
    public async Task Viewing_an_id_nobody_has_answers_404_problem_without_repeating_it(string beneficiaryId)
    {
        var response = await _client.GetAsync($"/api/v1/beneficiaries/{beneficiaryId}");

        await ProblemAssert.Is(response, HttpStatusCode.NotFound, "lookup");
        await ProblemAssert.NeverRepeats(response, "340102195001011238");
    }

    public static TheoryData<string, string[]> InvalidEnrolments => new()
    {
        { "wrong check character", ["idNumber", "check character"] },
        { "impossible birth date", ["idNumber", "birth date"] },
        { "17 characters", ["idNumber", "18 characters"] },
        { "idNumber missing", ["idNumber", "required"] },
        { "name missing", ["name", "required"] },
        { "region missing", ["region", "required"] },
        { "region of 5 digits", ["region", "6-digit"] },
        { "enrolledOn missing", ["enrolledOn", "required"] },
        { "enrolledOn tomorrow", ["enrolledOn", "future"] },
        { "enrolments missing", ["enrolments", "at least one"] },
        { "enrolments empty", ["enrolments", "at least one"] },
        { "unknown programme", ["enrolments[0].programme", "not a configured programme"] },
        { "amount with three decimals", ["enrolments[0].monthlyAmount", "two decimals"] },
        { "amount zero", ["enrolments[0].monthlyAmount"] },
        { "startMonth missing", ["enrolments[0].startMonth", "required"] },
        { "unknown flag", ["flags", "'frail' is not a flag"] },
        { "ID number as a flag", ["flags", "not a flag"] },
        { "ID number as the programme", ["enrolments[0].programme", "not a configured programme"] },
        { "phone of letters", ["phone"] },
        { "region as a number", ["region"] },
        { "flags as a string", ["flags"] },
        { "monthlyAmount as text", ["enrolments[0].monthlyAmount"] },
        { "idNumber as a number", ["idNumber"] },
    };

    [Theory]
    [MemberData(nameof(InvalidEnrolments))]
    public async Task Invalid_enrolment_answers_400_naming_the_field_and_changes_nothing(string fault, string[] detailMentions)
    {
        // Each case is a valid update of an enrolled person with one fault in it: if anything were applied, the view
        // or the number of people would differ.
        var id = People.NewIdNumber(new DateOnly(1954, 9, 10));
        var body = EnrolmentBody(id, new DateOnly(2026, 5, 20));
        var key = await _client.Enrol(body);
        var before = await _client.ViewText(key);
        var people = await node.Database.Count("select count(*) from beneficiary");

        body["name"] = "新名字";
        body["enrolments"]![0]!["monthlyAmount"] = 3300.00m;
        var sentNumber = id.Value;
        var json = (string?)null;
        switch (fault)
        {
            case "wrong check character": body["idNumber"] = sentNumber = BadIdNumbers.WrongCheckCharacter(id); break;
            case "impossible birth date": body["idNumber"] = sentNumber = BadIdNumbers.ImpossibleBirthDate("340102", "19540230"); break;
            case "17 characters": body["idNumber"] = sentNumber = id.Value[..17]; break;
            case "idNumber missing": body.Remove("idNumber"); break;
            case "name missing": body.Remove("name"); break;
            case "region missing": body.Remove("region"); break;
            case "region of 5 digits": body["region"] = "34010"; break;
            case "enrolledOn missing": body.Remove("enrolledOn"); break;
            case "enrolledOn tomorrow": body["enrolledOn"] = "2026-06-02"; break;
            case "enrolments missing": body.Remove("enrolments"); break;
            case "enrolments empty": body["enrolments"] = new JsonArray(); break;
            case "unknown programme": body["enrolments"]![0]!["programme"] = "moon-pension"; break;
            case "amount with three decimals": body["enrolments"]![0]!["monthlyAmount"] = 3200.005m; break;
            case "amount zero": body["enrolments"]![0]!["monthlyAmount"] = 0m; break;
            case "startMonth missing": body["enrolments"]![0]!.AsObject().Remove("startMonth"); break;
            case "unknown flag": body["flags"] = new JsonArray("disabled", "frail"); break;
            case "ID number as a flag": body["flags"] = new JsonArray(id.Value); break;
            case "ID number as the programme": body["enrolments"]![0]!["programme"] = id.Value; break;
            case "phone of letters": body["phone"] = "call me maybe"; break;
            case "region as a number": json = body.ToJsonString().Replace("\"region\":\"340102\"", "\"region\":340102", StringComparison.Ordinal); break;
            case "flags as a string": body["flags"] = "disabled"; break;
            case "monthlyAmount as text": body["enrolments"]![0]!["monthlyAmount"] = "lots"; break;
            case "idNumber as a number":
                sentNumber = id.Value[..17] + "0";
                json = body.ToJsonString().Replace($"\"{id.Value}\"", sentNumber, StringComparison.Ordinal);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
        json ??= body.ToJsonString();

        var response = await _client.PostRaw("/api/v1/beneficiaries", json);

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, detailMentions);
        await ProblemAssert.NeverRepeats(response, id.Value, sentNumber);
        Assert.Equal(before, await _client.ViewText(key));
        Assert.Equal(people, await node.Database.Count("select count(*) from beneficiary"));
    }

    [Theory]
    [InlineData("{\"idNumber\": \"340102195001011238\", \"name\": ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("not json at all")]
    public async Task Malformed_JSON_answers_400_problem_and_enrols_nobody(string json)
    {
        var people = await node.Database.Count("select count(*) from beneficiary");

        var response = await _client.PostRaw("/api/v1/beneficiaries", json);

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, "JSON");
        await ProblemAssert.NeverRepeats(response, "340102195001011238");
        Assert.Equal(people, await node.Database.Count("select count(*) from beneficiary"));
    }
}
