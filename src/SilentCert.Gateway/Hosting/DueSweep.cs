using Orleans;
using SilentCert.Contracts;
using SilentCert.Data;

namespace SilentCert.Gateway.Hosting;

/// <summary>
/// Wakes every person whose next action is due by a given instant, through <see cref="IBeneficiaryGrain.Evaluate"/>:
/// the same code path as a reminder tick. The manual clock runs it after each move; it reads the read model, never a
/// list held by a grain.
/// </summary>
public sealed class DueSweep(IGrainFactory grains, ReadModel readModel)
{
    private const int PageSize = 500;
    private const int Parallelism = 256;

    /// <summary>Returns how many evaluations ran.</summary>
    public async Task<int> RunAsync(DateTimeOffset upTo, CancellationToken cancellationToken)
    {
        var evaluated = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var due = await readModel.DueAsync(upTo, PageSize, cancellationToken);
            if (due.Count == 0)
            {
                return evaluated.Count;
            }
            var again = due.Where(k => !evaluated.Add(k)).ToList();
            if (again.Count > 0)
            {
                // Evaluation always moves a person's next action past the instant it ran at; one that did not failed.
                throw new InvalidOperationException($"{again.Count} beneficiaries stayed due after evaluation, e.g. {again[0]}; see the node log.");
            }
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (key, _) => await grains.GetGrain<IBeneficiaryGrain>(key).Evaluate());
        }
    }
}
