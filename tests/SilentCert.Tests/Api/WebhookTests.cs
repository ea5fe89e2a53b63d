using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SilentCert.Gateway.Hosting;
using SilentCert.Tests.Infrastructure;
using static SilentCert.Tests.Api.ApiRequests;
using static SilentCert.Tests.Api.WebhookCalls;

namespace SilentCert.Tests.Api;

// Proves department webhooks: suspensions and resumptions reach a real HTTP listener through the outbox, retried with backoff until it answers 2xx, once per idempotency key, across a node restart; a malformed URL is refused.
public sealed class WebhookTests(WebhookTests.Node node) : IClassFixture<WebhookTests.Node>
{
    /// <summary>
    /// 2026-01-01 00:00 in China. Delivery is driven pass by pass (the timer's interval is an hour); the backoff starts at
    /// 100 ms so retries come quickly in real time.
    /// </summary>
    public sealed class Node() : ApiNode(Start, Settings);

    private static readonly DateTimeOffset Start = Local(2026, 1, 1);

    internal static readonly Dictionary<string, string?> Settings = new()
    {
        ["Delivery:Interval"] = "01:00:00",
        ["Delivery:Backoff"] = "00:00:00.100",
        ["Delivery:Timeout"] = "00:00:05",
    };

    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task Suspension_and_resumption_are_pushed_once_each_after_the_listener_fails_the_first_two_attempts()
    {
        using var hook = new FlakyHook(failures: 2);
        var subscriptionId = await Subscribe(_client, hook.Url);
        var id = People.NewIdNumber(new DateOnly(1951, 7, 7));
        // Rules 5 and 2: enrolled 2025-03-10 → deadline 2026-03-10. Rule 8: warned 2026-02-08 (30 days before) and
        // 2026-03-03 (7 days before); overdue from 2026-03-11. Rule 9: first warned more than 7 days before 2026-04-01,
        // so suspended from the first day of the month after the deadline's month, 2026-04-01.
        var key = await _client.Enrol(id, new DateOnly(2025, 3, 10));
        await node.Node.MoveClockTo(_client, Local(2026, 4, 1));

        var suspended = $"{key}:push:suspended:pension-employee:2026-04-01";
        await DeliverUntil(node.Node, hook, suspended);

        var attempts = hook.Requests.Where(r => r.Key == suspended).ToList();
        Assert.Equal([500, 500, 200], attempts.Select(r => r.Status));
        Assert.All(attempts, r => Assert.Equal(attempts[0].Body, r.Body));
        var push = JsonSerializer.Deserialize<JsonElement>(attempts[0].Body);
        Assert.Equal(
            (suspended, key, "pension-employee", "suspended", "2026-04-01", "2026-04-01T00:00:00+08:00"),
            (push.GetProperty("idempotencyKey").GetString(), push.GetProperty("beneficiaryId").GetString(), push.GetProperty("programme").GetString(),
                push.GetProperty("event").GetString(), push.GetProperty("effectiveFrom").GetString(), push.GetProperty("at").GetString()));
        Assert.DoesNotContain(id.Value, attempts[0].Body, StringComparison.Ordinal);

        // Rule 10: strong evidence certifies the person again; the resumption pays back from the suspension's first day,
        // 2026-04-01, which is the day the push names. The listener has used up its failures: one attempt.
        await node.Node.MoveClockTo(_client, Local(2026, 4, 3, 9));
        await _client.SendEvidenceOk(Record("travel-realname", "WEBHOOK-1", id.Value, "2026-04-02T10:00:00+08:00"));
        var resumed = $"{key}:push:resumed:pension-employee:2026-04-01";
        await DeliverUntil(node.Node, hook, resumed);

        var resumption = Assert.Single(hook.Requests, r => r.Key == resumed);
        Assert.Equal(200, resumption.Status);
        var body = JsonSerializer.Deserialize<JsonElement>(resumption.Body);
        Assert.Equal(("resumed", "2026-04-01"), (body.GetProperty("event").GetString(), body.GetProperty("effectiveFrom").GetString()));

        // Further passes send nothing more: each key was delivered exactly once.
        await Delivery(node.Node).RunOnceAsync(CancellationToken.None);
        Assert.Equal(4, hook.Requests.Count(r => r.Key.StartsWith(key, StringComparison.Ordinal)));
        Assert.Equal(1, hook.Requests.Count(r => r.Key == suspended && r.Status == 200));
        Assert.Equal(3, await node.Database.ScalarAsync<int>(
            "select attempts from webhook_delivery where subscription_id = $1 and delivered_at is not null order by outbox_id limit 1", subscriptionId));
        // API.md lists department pushes among the person's notifications: the suspension's and the resumption's, both delivered.
        var notes = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?beneficiaryId={key}");
        var pushes = notes.EnumerateArray().Where(n => n.GetProperty("kind").GetString() == "department-push").ToList();
        Assert.Equal(2, pushes.Count);
        Assert.All(pushes, p => Assert.NotEqual(JsonValueKind.Null, p.GetProperty("deliveredAt").ValueKind));
    }

    [Fact]
    public async Task A_subscription_is_listed_by_programme()
    {
        var url = $"http://127.0.0.1:{TestConfiguration.FreePort()}/listed";
        var subscriptionId = await Subscribe(_client, url, programme: "dibao");

        var listed = await _client.GetFromJsonAsync<JsonElement>("/api/v1/webhooks?programme=dibao");

        var row = Assert.Single(listed.EnumerateArray(), r => r.GetProperty("subscriptionId").GetInt64() == subscriptionId);
        Assert.Equal(("civil-affairs", "dibao", url), (row.GetProperty("department").GetString(), row.GetProperty("programme").GetString(), row.GetProperty("url").GetString()));
    }

    [Theory]
    [InlineData("not a url", "url")]
    [InlineData("/hooks/relative", "url")]
    [InlineData("ftp://127.0.0.1/hook", "url")]
    [InlineData(null, "url")]
    public async Task A_malformed_url_answers_400_naming_url_and_nothing_is_stored(string? url, string field)
    {
        var before = await node.Database.ScalarAsync<long>("select count(*) from webhook_subscription");

        var response = await _client.PostAsJsonAsync("/api/v1/webhooks", new { department = "civil-affairs", programme = "pension-employee", url });

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, field);
        Assert.Equal(before, await node.Database.ScalarAsync<long>("select count(*) from webhook_subscription"));
    }

    [Fact]
    public async Task An_unknown_programme_or_missing_department_answers_400_naming_them()
    {
        var before = await node.Database.ScalarAsync<long>("select count(*) from webhook_subscription");

        var response = await _client.PostAsJsonAsync("/api/v1/webhooks", new { programme = "no-such-programme", url = "http://127.0.0.1:9/hook" });

        await ProblemAssert.Is(response, HttpStatusCode.BadRequest, "programme", "department");
        Assert.Equal(before, await node.Database.ScalarAsync<long>("select count(*) from webhook_subscription"));
    }

    [Fact]
    public async Task A_push_left_undelivered_when_a_node_stops_is_delivered_once_by_the_next_node()
    {
        using var hook = new FlakyHook(failures: 1);
        var database = TestDatabase.Create();
        string key;
        await using (var first = new NodeFactory(Start, database, Settings))
        {
            using var client = first.CreateClient();
            await Subscribe(client, hook.Url);
            // The same dates as above: suspended from 2026-04-01.
            key = await client.Enrol(People.NewIdNumber(new DateOnly(1952, 8, 8)), new DateOnly(2025, 3, 10));
            await first.MoveClockTo(client, Local(2026, 4, 1));
            await Delivery(first).RunOnceAsync(CancellationToken.None);
            Assert.Equal([500], hook.Requests.Select(r => r.Status));
        }

        await using var second = new NodeFactory(Local(2026, 4, 1), database, Settings);
        using (second.CreateClient())
        {
            var suspended = $"{key}:push:suspended:pension-employee:2026-04-01";
            await DeliverUntil(second, hook, suspended);
            await Delivery(second).RunOnceAsync(CancellationToken.None);

            Assert.Equal([(suspended, 500), (suspended, 200)], hook.Requests.Select(r => (r.Key, r.Status)));
        }
    }
}

// Proves the dead letter: after its last allowed attempt a push is no longer attempted, operators see it, and requeuing
// the subscription delivers it once the department's endpoint answers again. A node of its own, as its clock moves.
public sealed class WebhookDeadLetterTests(WebhookDeadLetterTests.Node node) : IClassFixture<WebhookDeadLetterTests.Node>
{
    /// <summary>As for <see cref="WebhookTests"/>; the third failed attempt is the last.</summary>
    public sealed class Node() : ApiNode(Local(2026, 1, 1), Settings);

    private static readonly Dictionary<string, string?> Settings = new(WebhookTests.Settings) { ["Delivery:MaxAttempts"] = "3" };

    private readonly HttpClient _client = node.Client;

    [Fact]
    public async Task A_push_that_fails_its_last_allowed_attempt_is_dead_listed_and_delivered_once_an_operator_requeues_it()
    {
        using var hook = new FlakyHook(failures: int.MaxValue);
        var subscriptionId = await Subscribe(_client, hook.Url, programme: "dibao");
        var id = People.NewIdNumber(new DateOnly(1953, 9, 9));
        // The dates of WebhookTests (deadline 2026-03-10, suspended from 2026-04-01), in dibao.
        var key = await _client.Enrol(EnrolmentBody(id, new DateOnly(2025, 3, 10), programme: "dibao"));
        await node.Node.MoveClockTo(_client, Local(2026, 4, 1));
        var suspended = $"{key}:push:suspended:dibao:2026-04-01";

        var dead = await Eventually.Until(
            async () =>
            {
                await Delivery(node.Node).RunOnceAsync(CancellationToken.None);
                return await _client.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/dead-letters?targetId={subscriptionId}");
            },
            rows => rows.GetArrayLength() > 0,
            "the push to be dead after three failed attempts");

        var row = Assert.Single(dead.EnumerateArray());
        Assert.Equal((subscriptionId, "civil-affairs", "dibao", hook.Url, key, "suspended", "2026-04-01", 3, "HTTP 500"),
            (row.GetProperty("targetId").GetInt64(), row.GetProperty("department").GetString(), row.GetProperty("programme").GetString(),
                row.GetProperty("url").GetString(), row.GetProperty("beneficiaryId").GetString(), row.GetProperty("event").GetString(),
                row.GetProperty("effectiveFrom").GetString(), row.GetProperty("attempts").GetInt32(), row.GetProperty("lastError").GetString()));
        Assert.DoesNotContain(id.Value, dead.GetRawText(), StringComparison.Ordinal);
        // Dead means no more attempts, however many passes run.
        await Delivery(node.Node).RunOnceAsync(CancellationToken.None);
        Assert.Equal([500, 500, 500], hook.Requests.Where(r => r.Key == suspended).Select(r => r.Status));

        // The department mends its endpoint; the operator requeues the subscription's dead pushes: delivered once.
        hook.Mend();
        var requeue = await _client.PostAsync($"/api/v1/deliveries/targets/{subscriptionId}/retry", null);
        Assert.Equal(HttpStatusCode.OK, requeue.StatusCode);
        Assert.Equal(1, (await requeue.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requeued").GetInt32());
        await DeliverUntil(node.Node, hook, suspended);
        await Delivery(node.Node).RunOnceAsync(CancellationToken.None);
        Assert.Equal([500, 500, 500, 200], hook.Requests.Where(r => r.Key == suspended).Select(r => r.Status));
        Assert.Equal(0, (await _client.GetFromJsonAsync<JsonElement>($"/api/v1/deliveries/dead-letters?targetId={subscriptionId}")).GetArrayLength());
    }

    [Fact]
    public async Task Requeuing_an_unknown_subscription_answers_404()
    {
        var response = await _client.PostAsync("/api/v1/deliveries/targets/987654321/retry", null);

        await ProblemAssert.Is(response, HttpStatusCode.NotFound);
    }
}

/// <summary>The webhook calls and the department's test server that the tests above share.</summary>
public static class WebhookCalls
{
    public static async Task<long> Subscribe(HttpClient client, string url, string programme = "pension-employee")
    {
        var response = await client.PostAsJsonAsync("/api/v1/webhooks", new { department = "civil-affairs", programme, url });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("subscriptionId").GetInt64();
    }

    public static OutboxDelivery Delivery(NodeFactory node) => node.Services.GetRequiredService<OutboxDelivery>();

    /// <summary>Runs delivery passes until the listener has answered 200 to this key; the backoff is real time, so bounded.</summary>
    public static Task DeliverUntil(NodeFactory node, FlakyHook hook, string idempotencyKey) =>
        Eventually.Until(
            async () =>
            {
                await Delivery(node).RunOnceAsync(CancellationToken.None);
                return hook.Requests.Any(r => r.Key == idempotencyKey && r.Status == 200);
            },
            delivered => delivered,
            $"the push {idempotencyKey} to be delivered");

    /// <summary>A department's server on 127.0.0.1 that answers 500 to its first attempts and 200 afterwards, recording each.</summary>
    public sealed class FlakyHook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Key, string Body, int Status)> _requests = new();
        private readonly Task _serving;
        private int _failuresLeft;

        public FlakyHook(int failures)
        {
            _failuresLeft = failures;
            Url = $"http://127.0.0.1:{TestConfiguration.FreePort()}/hook/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public IReadOnlyList<(string Key, string Body, int Status)> Requests => [.. _requests];

        /// <summary>From now on every request is answered 200.</summary>
        public void Mend() => Interlocked.Exchange(ref _failuresLeft, 0);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? 500 : 200;
                _requests.Enqueue((context.Request.Headers["Idempotency-Key"] ?? "", body, status));
                context.Response.StatusCode = status;
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
