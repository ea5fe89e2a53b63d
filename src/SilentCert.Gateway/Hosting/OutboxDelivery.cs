using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Hosting;

/// <summary>
/// Delivers the outbox (ARCHITECTURE.md decision 7): department pushes to the subscribed webhooks, warnings (SMS / app
/// gateway), visit tasks (the region task system) and correction notices (the source department) to the endpoints
/// configured per kind in <see cref="Options.Channels"/>. Each pass hands new messages to their targets, claims the
/// deliveries that are due, POSTs each with its <c>Idempotency-Key</c> (or writes it to the log channel, the development
/// default), and records the outcome: a 2xx answer is
/// delivered, anything else is retried later, waiting twice as long after each failure, until the last allowed attempt
/// fails and the delivery is dead (listed for operators, who requeue it). It runs on system time, not the
/// node clock: a simulated month must not make a department's server look unreachable.
/// </summary>
public sealed partial class OutboxDelivery(
    DeliveryStore store,
    IHttpClientFactory httpClients,
    IOptions<OutboxDelivery.Options> options,
    TimeProvider systemClock,
    ILogger<OutboxDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "outbox";

    public sealed class Options
    {
        public const string Section = "Delivery";

        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>The wait after the first failure; it doubles with each further failure, up to <see cref="MaxBackoff"/>.</summary>
        public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(10);

        public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How long a subscriber may take to answer before the attempt counts as failed.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

        public int BatchSize { get; set; } = 100;

        /// <summary>
        /// Attempts before a delivery is dead. With the default backoff, twelve attempts span about three and a half hours:
        /// long enough to ride out a restart or a short outage of the receiver, short enough that an operator sees a broken
        /// endpoint the same day.
        /// </summary>
        public int MaxAttempts { get; set; } = 12;

        /// <summary>
        /// Where each outbox kind goes: <c>warning</c>, <c>visit-task</c> and <c>correction-notice</c>, each an absolute
        /// http(s) URL or <c>log</c>. Department pushes go to the webhooks departments subscribe, not here.
        /// </summary>
        public Dictionary<string, string> Channels { get; set; } = [];

        /// <summary>A source department's own endpoint for its correction notices, by department; others use the channel's.</summary>
        public Dictionary<string, string> CorrectionNotices { get; set; } = [];
    }

    /// <summary>The kinds a channel can be configured for.</summary>
    public static readonly string[] ChannelKinds = ["warning", "visit-task", "correction-notice"];

    private const string LogChannel = "log";

    /// <summary>The configured channels, checked: a bad entry stops the node at start-up rather than losing messages.</summary>
    public static IReadOnlyList<ChannelTarget> ChannelTargets(Options settings)
    {
        foreach (var kind in settings.Channels.Keys.Where(k => !ChannelKinds.Contains(k)))
        {
            throw new InvalidOperationException($"Delivery:Channels:{kind} is not a channel: use warning, visit-task or correction-notice.");
        }
        return
        [
            .. settings.Channels.Select(pair => new ChannelTarget(pair.Key, null, Endpoint($"Delivery:Channels:{pair.Key}", pair.Value))),
            .. settings.CorrectionNotices.Select(pair =>
                new ChannelTarget("correction-notice", pair.Key, Endpoint($"Delivery:CorrectionNotices:{pair.Key}", pair.Value))),
        ];

        static string Endpoint(string setting, string value)
        {
            var url = value.Trim();
            if (url != LogChannel && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                throw new InvalidOperationException($"{setting} must be an absolute http(s) URL or 'log'.");
            }
            return url;
        }
    }

    /// <summary>Brings the configured channel targets into the database before the first pass.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var targets = ChannelTargets(options.Value);
        foreach (var kind in ChannelKinds.Where(k => !targets.Any(t => t.Channel == k && t.Department is null)))
        {
            LogNoChannel(logger, kind);
        }
        // The channels are the cluster's: the node started last sets them for all, and says so when it changed them.
        if (await store.SyncChannelsAsync(targets, systemClock.GetUtcNow(), cancellationToken))
        {
            LogChannelsChanged(logger);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, systemClock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RunOnceAsync(stoppingToken);
        }
    }

    /// <summary>One pass: attempts every delivery due now once. Returns how many were delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        IReadOnlyList<ClaimedDelivery> due;
        try
        {
            var now = systemClock.GetUtcNow();
            // The claim outlasts an attempt, so no other node attempts the same delivery while this one waits for an answer.
            due = await store.ClaimDueAsync(now, now + settings.Timeout + TimeSpan.FromSeconds(30), settings.BatchSize, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPassFailed(logger, e.GetType().Name);
            return 0;
        }
        var results = await Task.WhenAll(due.Select(d => AttemptAsync(d, settings, cancellationToken)));
        return results.Count(delivered => delivered);
    }

    private async Task<bool> AttemptAsync(ClaimedDelivery delivery, Options settings, CancellationToken cancellationToken)
    {
        // Unique across people and stable across attempts: the subscriber drops a push it has already taken.
        var key = $"{delivery.PersonKey}:{delivery.IdempotencyKey}";
        string? error;
        try
        {
            if (delivery.Url == LogChannel)
            {
                LogToChannel(logger, delivery.Kind, key);
                error = null;
            }
            else
            {
                using var client = httpClients.CreateClient(HttpClientName);
                client.Timeout = settings.Timeout;
                using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
                {
                    Content = new StringContent(Body(delivery, key), Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await client.SendAsync(request, cancellationToken);
                error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            error = e is TaskCanceledException ? "timed out" : e.GetType().Name;
        }
        try
        {
            var now = systemClock.GetUtcNow();
            if (error is null)
            {
                await store.DeliveredAsync(delivery, now, cancellationToken);
                return true;
            }
            var attempt = delivery.Attempts + 1;
            if (attempt >= settings.MaxAttempts)
            {
                await store.MarkDeadAsync(delivery, now, error, cancellationToken);
                LogDead(logger, delivery.TargetId, attempt, error);
                return false;
            }
            var wait = BackoffAfter(attempt, settings);
            await store.FailedAsync(delivery, now + wait, error, cancellationToken);
            LogAttemptFailed(logger, delivery.TargetId, attempt, error, wait);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The claim runs out and the delivery is attempted again: at worst a push is sent twice, with the same key.
            LogRecordFailed(logger, delivery.TargetId, e.GetType().Name);
        }
        return false;
    }

    /// <summary>
    /// What the receiver gets: the idempotency key, the kind, the beneficiary's pseudonymous ID and when it was decided,
    /// then the message's own fields (for a department push: programme, event, effectiveFrom). Never an ID number.
    /// </summary>
    private static string Body(ClaimedDelivery delivery, string key)
    {
        var body = new JsonObject
        {
            ["idempotencyKey"] = key,
            ["kind"] = delivery.Kind,
            ["beneficiaryId"] = delivery.PersonKey,
            ["at"] = ChinaTime.ToLocal(delivery.DecidedAt).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in JsonNode.Parse(delivery.Payload)!.AsObject().ToList())
        {
            body[name] = value?.DeepClone();
        }
        return body.ToJsonString();
    }

    /// <summary>The wait after the <paramref name="failures"/>-th failed attempt: the base, doubled each time, capped.</summary>
    public static TimeSpan BackoffAfter(int failures, Options settings)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var wait = settings.Backoff * factor;
        return wait < settings.MaxBackoff ? wait : settings.MaxBackoff;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox delivery could not read its work ({Error}); retrying at the next interval")]
    private static partial void LogPassFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery to target {TargetId} failed on attempt {Attempt} ({Error}); retrying in {Wait}")]
    private static partial void LogAttemptFailed(ILogger logger, long targetId, int attempt, string error, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This node's Delivery channels differ from those the cluster used until now; they now apply to every node")]
    private static partial void LogChannelsChanged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered {Kind} {IdempotencyKey} to the log channel")]
    private static partial void LogToChannel(ILogger logger, string kind, string idempotencyKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Delivery:Channels:{Kind} is configured: {Kind} messages are decided and listed but delivered nowhere")]
    private static partial void LogNoChannel(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery to target {TargetId} failed its last allowed attempt ({Attempt}, {Error}); dead until an operator requeues it")]
    private static partial void LogDead(ILogger logger, long targetId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record a delivery to target {TargetId} ({Error}); it will be attempted again")]
    private static partial void LogRecordFailed(ILogger logger, long targetId, string error);
}
