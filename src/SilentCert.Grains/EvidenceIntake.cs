using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Grains;

/// <summary>A record turned away, by its position in what was sent (an index in a batch, a line in a file).</summary>
public sealed record RejectedEvidence(long Position, string? SourceRecordId, string Error);

public sealed record IntakeResult(int Accepted, int Duplicates, int UnknownPersons, IReadOnlyList<RejectedEvidence> Rejected);

/// <summary>
/// How evidence comes in, from the API or from an exchange file: each record validated alone, the new ones stored in the
/// evidence log (which makes them durable: ARCHITECTURE.md decision 6), then each person's grain called once with theirs.
/// A grain call that fails after the log write loses nothing: the grain catches up from the log when it next wakes, and
/// the pending-evidence sweep wakes it. Sending the same records again wakes at once the grains that have not applied
/// them yet, so a retried batch or a re-run file finishes what a crash interrupted.
/// </summary>
public sealed partial class EvidenceIntake(SourceCatalogue catalogue, Pseudonymizer pseudonyms, EvidenceLog log, ReadModel readModel,
    IGrainFactory grains, ILogger<EvidenceIntake> logger)
{
    private const int GrainCallParallelism = 512;

    /// <param name="records">The records with their positions; a null record is not an object.</param>
    /// <param name="now">The node clock's now: observations after it (beyond the skew allowed) are refused.</param>
    /// <param name="receivedAt">System time, stamped on the log rows.</param>
    public async Task<IntakeResult> ReceiveAsync(IReadOnlyList<(long Position, EvidenceInput? Record)> records, DateTimeOffset now, DateTimeOffset receivedAt,
        CancellationToken cancellationToken = default)
    {
        var rejected = new List<RejectedEvidence>();
        var valid = new List<(ValidEvidence Record, string Key)>();
        foreach (var (position, input) in records)
        {
            if (input is null)
            {
                rejected.Add(new RejectedEvidence(position, null, "record: must be an object."));
            }
            else if (!EvidenceValidation.TryValidate(input, catalogue, now, out var record, out var error))
            {
                rejected.Add(new RejectedEvidence(position, input.SourceRecordId, error!.ToString()));
            }
            else
            {
                valid.Add((record!, pseudonyms.KeyOf(record!.IdNumber)));
            }
        }

        var enrolled = await readModel.EnrolledAmongAsync([.. valid.Select(v => v.Key).Distinct()], cancellationToken);
        var known = valid.Where(v => enrolled.Contains(v.Key)).ToList();
        var rows = known.Select(v => new EvidenceRow(v.Record.Source.Code, v.Record.SourceRecordId, v.Key, v.Record.ObservedAt,
            v.Record.Region, v.Record.DeathDate, v.Record.IsNegative, v.Record.Visit is { } visit ? VisitOutcomes.Wire(visit) : null)).ToList();
        var seqs = await log.AppendAsync(rows, receivedAt, cancellationToken);

        var byPerson = rows.Select((row, i) => (row, seq: seqs[i]))
            .Where(x => x.seq is not null)
            .GroupBy(x => x.row.PersonKey, x => new EvidenceItem(x.seq!.Value, x.row.Source, x.row.SourceRecordId, x.row.ObservedAt, x.row.DeathDate, x.row.VisitOutcome))
            .ToDictionary(g => g.Key, g => g.ToImmutableArray(), StringComparer.Ordinal);
        // Duplicates that a crash left stored but unapplied: their grains apply them from the log when woken.
        var resent = rows.Where((_, i) => seqs[i] is null).Select(r => r.PersonKey).Distinct().ToList();
        var stranded = await log.WithUnappliedAmongAsync(resent, cancellationToken);
        var calls = byPerson.Select(p => (p.Key, Items: (ImmutableArray<EvidenceItem>?)p.Value)).Concat(stranded.Select(k => (Key: k, Items: (ImmutableArray<EvidenceItem>?)null)));
        await Parallel.ForEachAsync(calls, new ParallelOptions { MaxDegreeOfParallelism = GrainCallParallelism, CancellationToken = cancellationToken }, async (call, _) =>
        {
            try
            {
                var grain = grains.GetGrain<IBeneficiaryGrain>(call.Key);
                await (call.Items is { } items ? grain.ApplyEvidence(items) : grain.Evaluate());
            }
            catch (Exception e)
            {
                LogApplyDeferred(logger, call.Key, e.GetType().Name);
            }
        });

        var accepted = seqs.Count(s => s is not null);
        return new IntakeResult(accepted, rows.Count - accepted, valid.Count - known.Count, rejected);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evidence for {BeneficiaryId} is logged but not yet applied ({Error}); it will be applied when the grain next wakes")]
    private static partial void LogApplyDeferred(ILogger logger, string beneficiaryId, string error);
}
