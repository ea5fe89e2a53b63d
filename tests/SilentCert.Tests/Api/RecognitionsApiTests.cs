using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves the department view of a certification (互认复用): status, deadline, last certification date and channel per
// programme, and nothing of the evidence itself.
public sealed class RecognitionsApiTests(RecognitionsApiTests.Node node) : IClassFixture<RecognitionsApiTests.Node>
{
    /// <summary>Wednesday 2026-07-01 09:00 in China; no test moves the clock.</summary>
    public sealed class Node() : ApiNode(Local(2026, 7, 1, 9));

    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task A_department_sees_status_deadline_and_how_the_person_was_last_certified_but_no_evidence()
    {
        var id = People.NewIdNumber(new DateOnly(1952, 8, 8));
        var key = await _client.Enrol(id, new DateOnly(2026, 2, 3));
        // Rules 1-2: real-name travel on 2026-06-15 (strong) renews to 2027-06-15; it is matched data, not self-service.
        await _client.SendEvidenceOk(Record("travel-realname", "RAIL-88", id.Value, "2026-06-15T07:40:00+08:00"));

        var response = await _client.GetAsync($"/api/v1/recognitions/{key}?programme=pension-employee");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            [("beneficiaryId", key), ("programme", "pension-employee"), ("status", "certified"), ("deadline", "2027-06-15"),
             ("lastCertifiedOn", "2026-06-15"), ("channel", "data-match")],
            body.EnumerateObject().Select(p => (p.Name, p.Value.GetString())));
        var text = body.GetRawText();
        Assert.DoesNotContain("RAIL-88", text);
        Assert.DoesNotContain("travel-realname", text);
        Assert.DoesNotContain(id.Value, text);
    }

    [Fact]
    public async Task A_person_certified_only_by_enrolment_was_certified_in_person()
    {
        var id = People.NewIdNumber(new DateOnly(1949, 1, 21));
        var key = await _client.Enrol(id, new DateOnly(2026, 6, 30));

        var body = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/recognitions/{key}?programme=pension-employee");

        Assert.Equal(("2026-06-30", "in-person", "2027-06-30"),
            (body.GetProperty("lastCertifiedOn").GetString(), body.GetProperty("channel").GetString(), body.GetProperty("deadline").GetString()));
    }

    [Fact]
    public async Task An_unknown_programme_is_400_and_a_programme_the_person_is_not_in_is_404()
    {
        var id = People.NewIdNumber(new DateOnly(1951, 4, 4));
        var key = await _client.Enrol(id, new DateOnly(2026, 6, 1));

        await ProblemAssert.Is(await _client.GetAsync($"/api/v1/recognitions/{key}?programme=no-such-programme"), HttpStatusCode.BadRequest, "programme");
        await ProblemAssert.Is(await _client.GetAsync($"/api/v1/recognitions/{key}"), HttpStatusCode.BadRequest, "programme");
        await ProblemAssert.Is(await _client.GetAsync($"/api/v1/recognitions/{key}?programme=dibao"), HttpStatusCode.NotFound, "dibao");
        await ProblemAssert.Is(await _client.GetAsync("/api/v1/recognitions/ben-0?programme=dibao"), HttpStatusCode.NotFound);
    }
}
