using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Hosting;

/// <summary>What a department's webhook receives: a status change of one person in one of its programmes. Never an ID number.</summary>
public sealed record DepartmentPush(string IdempotencyKey, string BeneficiaryId, string Programme, string Event, DateOnly? EffectiveFrom, DateTimeOffset At);

/// <summary>
/// Delivers department pushes from the outbox (ARCHITECTURE.md decision 7) to the subscribed webhooks. Each pass claims
/// the deliveries that are due, POSTs each with its <c>Idempotency-Key</c>, and records the outcome: a 2xx answer is
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
        /// Attempts before a delivery is dead. With the default backoff, twelve attempts span about five hours: long enough
        /// to ride out a department's maintenance window, short enough that an operator sees a broken endpoint the same day.
        /// </summary>
        public int MaxAttempts { get; set; } = 12;
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
            using var client = httpClients.CreateClient(HttpClientName);
            client.Timeout = settings.Timeout;
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = JsonContent.Create(new DepartmentPush(key, delivery.PersonKey, delivery.Programme, delivery.Event,
                    delivery.EffectiveFrom, ChinaTime.ToLocal(delivery.DecidedAt))),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request, cancellationToken);
            error = response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
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
                await store.DeadAsync(delivery, now, error, cancellationToken);
                LogDead(logger, delivery.SubscriptionId, attempt, error);
                return false;
            }
            var wait = BackoffAfter(attempt, settings);
            await store.FailedAsync(delivery, now + wait, error, cancellationToken);
            LogAttemptFailed(logger, delivery.SubscriptionId, attempt, error, wait);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The claim runs out and the delivery is attempted again: at worst a push is sent twice, with the same key.
            LogRecordFailed(logger, delivery.SubscriptionId, e.GetType().Name);
        }
        return false;
    }

    /// <summary>The wait after the <paramref name="failures"/>-th failed attempt: the base, doubled each time, capped.</summary>
    public static TimeSpan BackoffAfter(int failures, Options settings)
    {
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var wait = settings.Backoff * factor;
        return wait < settings.MaxBackoff ? wait : settings.MaxBackoff;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery could not read its work ({Error}); retrying at the next interval")]
    private static partial void LogPassFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Push to webhook subscription {SubscriptionId} failed on attempt {Attempt} ({Error}); retrying in {Wait}")]
    private static partial void LogAttemptFailed(ILogger logger, long subscriptionId, int attempt, string error, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Error, Message = "Push to webhook subscription {SubscriptionId} failed its last allowed attempt ({Attempt}, {Error}); dead until an operator requeues it")]
    private static partial void LogDead(ILogger logger, long subscriptionId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record a delivery to webhook subscription {SubscriptionId} ({Error}); it will be attempted again")]
    private static partial void LogRecordFailed(ILogger logger, long subscriptionId, string error);
}
