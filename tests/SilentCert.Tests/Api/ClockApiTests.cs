using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves the manual clock: a move returns after every action due up to the new instant has run on its own day; never backward; in OpenAPI.
public sealed class ClockApiTests(ClockApiTests.Node node) : IClassFixture<ClockApiTests.Node>
{
    /// <summary>2026-01-01 00:00 in China. Only the forward-moving test moves the clock; the others read it first.</summary>
    public sealed class Node() : ApiNode(Local(2026, 1, 1));

    private readonly HttpClient _client = node.Client;

    private async Task<string> Now() =>
        (await _client.GetFromJsonAsync<JsonElement>("/api/v1/admin/clock")).GetProperty("now").GetString()!;

    private async Task<JsonElement> Move(string now)
    {
        var response = await _client.PostAsJsonAsync("/api/v1/admin/clock", new { now });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (string? At, string? Event) Entry(JsonElement h) => (h.GetProperty("at").GetString(), h.GetProperty("event").GetString());

    [Fact]
    public async Task A_move_returns_after_every_action_due_up_to_and_including_the_new_instant_has_run_on_its_day()
    {
        Assert.Equal("2026-01-01T00:00:00+08:00", await Now());
        var id = People.NewIdNumber(new DateOnly(1955, 5, 5));
        // Rules 5 and 2: enrolled 2025-03-10 → deadline 2026-03-10.
        var key = await _client.Enrol(id, new DateOnly(2025, 3, 10));

        // One second before 2026-02-08 (the deadline − 30 days): nothing is due yet.
        Assert.Equal("2026-02-07T23:59:59+08:00", (await Move("2026-02-07T23:59:59+08:00")).GetProperty("now").GetString());
        var view = await _client.View(key);
        Assert.Equal("certified", view.GetProperty("status").GetString());
        Assert.Equal(["enrolled", "renewed"], Events(view));

        // One jump over two months. Rule 8: warned 2026-02-08 (30 days before) and 2026-03-03 (7 days before); overdue
        // from 2026-03-11; rule 9: first warned more than 7 days before 2026-04-01, so suspended from 2026-04-01. The
        // move is to 2026-04-01T00:00 exactly: the suspension due at that instant has run when it returns.
        Assert.Equal("2026-04-01T00:00:00+08:00", (await Move("2026-04-01T00:00:00+08:00")).GetProperty("now").GetString());

        Assert.Equal("2026-04-01T00:00:00+08:00", await Now());
        view = await _client.View(key);
        Assert.Equal("suspended", view.GetProperty("status").GetString());
        var programme = Assert.Single(view.GetProperty("programmes").EnumerateArray());
        Assert.Equal(("2026-03-10", "2026-04-01"), (programme.GetProperty("deadline").GetString(), programme.GetProperty("suspendedFrom").GetString()));
        Assert.Equal(
            [
                ("2026-02-08T00:00:00+08:00", "warned"),
                ("2026-03-03T00:00:00+08:00", "warned"),
                ("2026-03-11T00:00:00+08:00", "overdue"),
                ("2026-04-01T00:00:00+08:00", "suspended"),
            ],
            view.GetProperty("history").EnumerateArray().Skip(2).Select(Entry));
        Assert.Equal([30, 7], view.GetProperty("history").EnumerateArray()
            .Where(h => h.GetProperty("event").GetString() == "warned").Select(h => h.GetProperty("daysBefore").GetInt32()));
    }

    [Fact]
    public async Task Moving_backward_is_refused_with_409_and_the_clock_stays()
    {
        var now = await Now();
        var earlier = Instant(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture).AddSeconds(-1));

        var response = await _client.PostAsJsonAsync("/api/v1/admin/clock", new { now = earlier });

        await ProblemAssert.Is(response, HttpStatusCode.Conflict, "forward");
        Assert.Equal(now, await Now());
    }

    [Fact]
    public async Task Moving_to_the_instant_it_already_shows_is_not_backward()
    {
        var now = await Now();

        Assert.Equal(now, (await Move(now)).GetProperty("now").GetString());
        Assert.Equal(now, await Now());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"now\": \"2027-04-01\"}")]
    [InlineData("{\"now\": \"2027-04-01T00:00:00\"}")]
    [InlineData("{\"now\": \"next tuesday\"}")]
    public async Task A_move_to_an_unreadable_instant_answers_400_naming_now_and_the_clock_stays(string json)
    {
        var now = await Now();

        var response = await _client.PostRaw("/api/v1/admin/clock", json);

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, "now");
        Assert.Equal(now, await Now());
    }

    [Fact]
    public async Task OpenAPI_describes_the_clock_in_manual_mode()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var clock = document.GetProperty("paths").EnumerateObject().Single(p => p.Name.TrimEnd('/') == "/api/v1/admin/clock").Value;
        Assert.True(clock.TryGetProperty("get", out _));
        Assert.True(clock.TryGetProperty("post", out _));
    }
}
