using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using SilentCert.Contracts;

namespace SilentCert.Grains;

/// <summary>Answers with the node clock; a stateless worker, local to whichever silo the call reaches.</summary>
[StatelessWorker]
public sealed class ClusterClockGrain([FromKeyedServices(NodeClock.Key)] TimeProvider clock) : Grain, IClusterClockGrain
{
    public Task<DateTimeOffset> Now() => Task.FromResult(clock.GetUtcNow());
}
