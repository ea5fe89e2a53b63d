using System.Collections.Immutable;
using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record EvidenceBatch(List<EvidenceInput?>? Records);

public sealed record RejectedRecord(int Index, string? SourceRecordId, string Error);

public sealed record EvidenceBatchResult(int Accepted, int Duplicates, int UnknownPersons, IReadOnlyList<RejectedRecord> Rejected);

public static partial class EvidenceApi
{
    public const int MaxBatch = 10_000;
    private const int GrainCallParallelism = 64;

    public static RouteGroupBuilder MapEvidenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/evidence").WithTags("Evidence");
        group.MapPost("/", Receive).WithSummary("A batch of up to 10,000 evidence records; bad records are rejected one by one.")
            .Produces<EvidenceBatchResult>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    /// <summary>
    /// Validates each record, stores the new ones in the evidence log (which makes them durable: decision 6), then has
    /// each person's grain apply theirs. A grain call that fails after the log write loses nothing: the grain catches up
    /// from the log when it next wakes, and the pending-evidence sweep wakes it.
    /// </summary>
    private static async Task<IResult> Receive(EvidenceBatch? batch, SourceCatalogue catalogue, Pseudonymizer pseudonyms,
        EvidenceLog log, ReadModel readModel, IGrainFactory grains, [FromKeyedServices(NodeClock.Key)] TimeProvider clock,
        TimeProvider systemClock, ILoggerFactory loggers)
    {
        if (batch?.Records is not { } records) return Problems.Invalid("records", "send { \"records\": [ … ] } with 1 to 10,000 records.");
        if (records.Count > MaxBatch) return Problems.Invalid("records", $"holds {records.Count} records; send at most {MaxBatch:N0} per batch.");

        var now = clock.GetUtcNow();
        var rejected = new List<RejectedRecord>();
        var valid = new List<(ValidEvidence Record, string Key)>();
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not { } input)
            {
                rejected.Add(new RejectedRecord(i, null, "record: must be an object."));
            }
            else if (!EvidenceValidation.TryValidate(input, catalogue, now, out var record, out var error))
            {
                rejected.Add(new RejectedRecord(i, input.SourceRecordId, error!.ToString()));
            }
            else
            {
                valid.Add((record!, pseudonyms.KeyOf(record!.IdNumber)));
            }
        }

        var enrolled = await readModel.EnrolledAmongAsync([.. valid.Select(v => v.Key).Distinct()]);
        var known = valid.Where(v => enrolled.Contains(v.Key)).ToList();
        var rows = known.Select(v => new EvidenceRow(v.Record.Source.Code, v.Record.SourceRecordId, v.Key, v.Record.ObservedAt,
            v.Record.Region, v.Record.DeathDate, v.Record.IsNegative, Wire(v.Record.Visit))).ToList();
        var seqs = await log.AppendAsync(rows, systemClock.GetUtcNow());

        var byPerson = rows.Select((row, i) => (row, seq: seqs[i]))
            .Where(x => x.seq is not null)
            .GroupBy(x => x.row.PersonKey, x => new EvidenceItem(x.seq!.Value, x.row.Source, x.row.SourceRecordId, x.row.ObservedAt, x.row.DeathDate, x.row.VisitOutcome));
        var logger = loggers.CreateLogger(typeof(EvidenceApi));
        await Parallel.ForEachAsync(byPerson, new ParallelOptions { MaxDegreeOfParallelism = GrainCallParallelism }, async (person, _) =>
        {
            try
            {
                await grains.GetGrain<IBeneficiaryGrain>(person.Key).ApplyEvidence([.. person]);
            }
            catch (Exception e)
            {
                LogApplyDeferred(logger, person.Key, e.GetType().Name);
            }
        });

        var accepted = seqs.Count(s => s is not null);
        return TypedResults.Ok(new EvidenceBatchResult(accepted, rows.Count - accepted, valid.Count - known.Count, rejected));
    }

    private static string? Wire(VisitOutcome? visit) => visit switch
    {
        VisitOutcome.SeenAlive => "seen-alive",
        VisitOutcome.ReportedDead => "reported-dead",
        VisitOutcome.NotFound => "not-found",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evidence for {BeneficiaryId} is logged but not yet applied ({Error}); it will be applied when the grain next wakes")]
    private static partial void LogApplyDeferred(ILogger logger, string beneficiaryId, string error);
}
