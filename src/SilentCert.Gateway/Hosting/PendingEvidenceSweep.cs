using Microsoft.Extensions.Options;
using Orleans;
using SilentCert.Contracts;
using SilentCert.Data;

namespace SilentCert.Gateway.Hosting;

/// <summary>
/// Safety net for evidence that is durable in the log but whose grain call failed (a node or the database went away
/// in between): every so often, wake the people with unapplied evidence. Their grains catch up from the log.
/// </summary>
public sealed partial class PendingEvidenceSweep(
    IGrainFactory grains,
    EvidenceLog evidenceLog,
    IOptions<PendingEvidenceSweep.Options> options,
    TimeProvider systemClock,
    ILogger<PendingEvidenceSweep> logger) : BackgroundService
{
    public sealed class Options
    {
        public const string Section = "PendingEvidence";

        public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Only rows older than this, so the sweep does not race the request that is applying them.</summary>
        public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(1);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, systemClock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var keys = await evidenceLog.PeopleWithUnappliedAsync(systemClock.GetUtcNow() - options.Value.MinimumAge, 1000, stoppingToken);
                foreach (var key in keys)
                {
                    await grains.GetGrain<IBeneficiaryGrain>(key).Evaluate();
                }
                if (keys.Count > 0)
                {
                    LogCaughtUp(logger, keys.Count);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Caught up unapplied evidence for {Count} beneficiaries")]
    private static partial void LogCaughtUp(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pending-evidence sweep failed ({Error}); retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, string error);
}
