using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;
using static SilentCert.Tests.Api.WebhookCalls;

namespace SilentCert.Tests.Api;

// Proves the outbox loses nothing across a node restart: warnings decided on one node — one attempted and failed, one
// never handed out — are delivered by the next node to the configured SMS/app channel, exactly once per idempotency key.
public sealed class OutboxRestartTests
{
    [Fact]
    public async Task Warnings_left_undelivered_when_a_node_stops_are_delivered_once_each_by_the_next_node()
    {
        using var sms = new FlakyHook(failures: 1);
        var settings = new Dictionary<string, string?>(WebhookTests.Settings) { ["Delivery:Channels:warning"] = sms.Url };
        var database = TestDatabase.Create();
        string first, second;
        await using (var node = new NodeFactory(Local(2026, 1, 5, 9), database, settings))
        {
            using var client = node.CreateClient();
            // Rule 8: enrolled on 2025-01-20, so the deadline 2026-01-20 is 15 days away: warned at once (30 days).
            first = await client.Enrol(People.NewIdNumber(new DateOnly(1955, 3, 3)), new DateOnly(2025, 1, 20));
            await Delivery(node).RunOnceAsync(CancellationToken.None);
            Assert.Equal([(Key(first, "2026-01-20"), 500)], sms.Requests.Select(r => (r.Key, r.Status)));
            // Decided after the last pass: never handed out before the node stops.
            second = await client.Enrol(People.NewIdNumber(new DateOnly(1955, 4, 4)), new DateOnly(2025, 1, 22));
        }

        await using (var node = new NodeFactory(Local(2026, 1, 5, 10), database, settings))
        {
            using (node.CreateClient())
            {
                await DeliverUntil(node, sms, Key(first, "2026-01-20"));
                await DeliverUntil(node, sms, Key(second, "2026-01-22"));
                await Delivery(node).RunOnceAsync(CancellationToken.None);
            }
        }

        Assert.Equal([500, 200], sms.Requests.Where(r => r.Key == Key(first, "2026-01-20")).Select(r => r.Status));
        Assert.Equal([200], sms.Requests.Where(r => r.Key == Key(second, "2026-01-22")).Select(r => r.Status));
        Assert.Equal(3, sms.Requests.Count);
    }

    /// <summary>
    /// Both deadlines are less than 30 days and more than 7 days away on 5 January: one warning each, for the 30-day
    /// offset, keyed by the person, the deadline and the offset.
    /// </summary>
    private static string Key(string person, string deadline) => $"{person}:warning:{deadline}:30";
}
