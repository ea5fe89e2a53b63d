using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves the notifications list: rule 8 warnings as { kind, daysBefore, createdAt, deliveredAt }, and 400 without a well-formed beneficiaryId.
public sealed class NotificationsApiTests(NotificationsApiTests.Node node) : IClassFixture<NotificationsApiTests.Node>
{
    /// <summary>Monday 2026-06-01 09:00 in China. Only the warning test moves the clock; the others do not depend on it.</summary>
    public sealed class Node() : ApiNode(Local(2026, 6, 1, 9));

    private readonly HttpClient _client = node.Client;

    private async Task<JsonElement[]> Notifications(string key)
    {
        var response = await _client.GetAsync($"/api/v1/notifications?beneficiaryId={key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }

    private static (string? Kind, int DaysBefore, string? CreatedAt) Summary(JsonElement n) =>
        (n.GetProperty("kind").GetString(), n.GetProperty("daysBefore").GetInt32(), n.GetProperty("createdAt").GetString());

    /// <summary>deliveredAt is always there: null until delivered, then an instant no earlier than createdAt.</summary>
    private static void AssertDeliveredAtIsWellFormed(JsonElement n)
    {
        var delivered = n.GetProperty("deliveredAt");
        if (delivered.ValueKind != JsonValueKind.Null)
        {
            Assert.True(delivered.GetDateTimeOffset() >= n.GetProperty("createdAt").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task A_person_far_from_their_deadline_has_no_notifications()
    {
        var id = People.NewIdNumber(new DateOnly(1950, 3, 1));
        // Rules 5 and 2: deadline 2027-05-20; its first warning is due 2027-04-20.
        var key = await _client.Enrol(id, new DateOnly(2026, 5, 20));

        Assert.Empty(await Notifications(key));
    }

    [Fact]
    public async Task Warnings_are_listed_when_decided_at_enrolment_and_when_the_clock_reaches_the_next_one()
    {
        var id = People.NewIdNumber(new DateOnly(1950, 3, 2));
        // Rules 5 and 2: enrolled 2025-06-20 → deadline 2026-06-20. Today 2026-06-01 is past 2026-05-21 (30 days
        // before) and before 2026-06-13 (7 days before), so rule 8 warns once, at once, 30 days before.
        var key = await _client.Enrol(id, new DateOnly(2025, 6, 20));

        var listed = await Notifications(key);
        Assert.Equal([("warning", 30, "2026-06-01T09:00:00+08:00")], listed.Select(Summary));
        Assert.All(listed, AssertDeliveredAtIsWellFormed);

        // 2026-06-20 − 7 days = 2026-06-13: the 7-day warning is decided at that midnight.
        await node.Node.MoveClockTo(_client, Local(2026, 6, 13));

        listed = await Notifications(key);
        Assert.Equal(
            [("warning", 30, "2026-06-01T09:00:00+08:00"), ("warning", 7, "2026-06-13T00:00:00+08:00")],
            listed.Select(Summary));
        Assert.All(listed, AssertDeliveredAtIsWellFormed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?beneficiaryId=")]
    [InlineData("?beneficiaryId=ben-123")]
    [InlineData("?beneficiaryId=340102195001011238")]
    public async Task Listing_without_a_well_formed_beneficiary_id_answers_400_naming_it(string query)
    {
        var response = await _client.GetAsync($"/api/v1/notifications{query}");

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, "beneficiaryId");
        await ProblemAssert.NeverRepeats(response, "340102195001011238");
    }
}
