using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record EvidenceBatch(List<EvidenceInput?>? Records);

public sealed record RejectedRecord(int Index, string? SourceRecordId, string Error);

public sealed record EvidenceBatchResult(int Accepted, int Duplicates, int UnknownPersons, IReadOnlyList<RejectedRecord> Rejected);

public static class EvidenceApi
{
    public const int MaxBatch = 10_000;

    public static RouteGroupBuilder MapEvidenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/evidence").WithTags("Evidence");
        group.MapPost("/", Receive).WithSummary("A batch of up to 10,000 evidence records; bad records are rejected one by one.")
            .Produces<EvidenceBatchResult>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    /// <summary>Validates each record alone, stores the new ones and has each person's grain apply theirs (<see cref="EvidenceIntake"/>).</summary>
    private static async Task<IResult> Receive(EvidenceBatch? batch, EvidenceIntake intake, [FromKeyedServices(NodeClock.Key)] TimeProvider clock,
        TimeProvider systemClock)
    {
        if (batch?.Records is not { } records) return Problems.Invalid("records", "send { \"records\": [ … ] } with 1 to 10,000 records.");
        if (records.Count > MaxBatch) return Problems.Invalid("records", $"holds {records.Count} records; send at most {MaxBatch:N0} per batch.");

        var result = await intake.ReceiveAsync([.. records.Select((r, i) => ((long)i, r))], clock.GetUtcNow(), systemClock.GetUtcNow());
        return TypedResults.Ok(new EvidenceBatchResult(result.Accepted, result.Duplicates, result.UnknownPersons,
            [.. result.Rejected.Select(r => new RejectedRecord((int)r.Position, r.SourceRecordId, r.Error))]));
    }
}
