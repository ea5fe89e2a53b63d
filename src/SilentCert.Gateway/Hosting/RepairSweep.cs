using Microsoft.Extensions.Options;
using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Grains;

namespace SilentCert.Gateway.Hosting;

/// <summary>
/// The safety net for what a crash or an outage left behind. Every interval it wakes, through
/// <see cref="IBeneficiaryGrain.Evaluate"/> (which catches up from storage and the evidence log):
/// people with evidence durable in the log that no grain applied (a grain call failed after the log write), and people
/// whose next action is well past due in the read model (a reminder tick was lost, or a decision failed to publish).
/// </summary>
public sealed partial class RepairSweep(
    IGrainFactory grains,
    EvidenceLog evidenceLog,
    ReadModel readModel,
    IOptions<RepairSweep.Options> options,
    TimeProvider systemClock,
    [FromKeyedServices(NodeClock.Key)] TimeProvider nodeClock,
    ILogger<RepairSweep> logger) : BackgroundService
{
    private const int PageSize = 1000;

    public sealed class Options
    {
        public const string Section = "Repair";

        public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

        /// <summary>How late something must be before the sweep steps in, so it never races the normal path.</summary>
        public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(5);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, systemClock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RunOnceAsync(stoppingToken);
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> keys;
        try
        {
            var unapplied = await evidenceLog.PeopleWithUnappliedAsync(systemClock.GetUtcNow() - options.Value.Grace, PageSize, cancellationToken);
            var overdue = await readModel.DueAsync(nodeClock.GetUtcNow() - options.Value.Grace, PageSize, cancellationToken);
            keys = [.. unapplied.Union(overdue, StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(logger, e.GetType().Name);
            return 0;
        }
        var repaired = 0;
        foreach (var key in keys)
        {
            try
            {
                await grains.GetGrain<IBeneficiaryGrain>(key).Evaluate();
                repaired++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWakeFailed(logger, key, e.GetType().Name); // One person's trouble does not hold up the others.
            }
        }
        if (repaired > 0)
        {
            LogRepaired(logger, repaired);
        }
        return repaired;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair sweep woke {Count} beneficiaries left behind by a failure")]
    private static partial void LogRepaired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair sweep could not read its work ({Error}); retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair sweep could not wake {BeneficiaryId} ({Error}); retrying at the next interval")]
    private static partial void LogWakeFailed(ILogger logger, string beneficiaryId, string error);
}
