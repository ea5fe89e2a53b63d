using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Apis;

/// <summary>An open door-to-door visit task: whom to visit, before which deadline, and whether it is escalated.</summary>
public sealed record VisitTaskResponse(string BeneficiaryId, string Region, DateOnly Deadline, DateTimeOffset CreatedAt, bool Escalated, int NotFoundVisits);

/// <summary>
/// The region's door-to-door tasks (上门服务, rule 8). Staff report each visit back as evidence from the door-to-door
/// source with its visitOutcome: seen-alive certifies (strong) and closes the task, reported-dead opens a case,
/// not-found leaves the task open.
/// </summary>
public static class VisitsApi
{
    private const int ListLimit = 1_000;

    public static RouteGroupBuilder MapVisitsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/visits").WithTags("Visits");
        group.MapGet("/", List).WithSummary("A region's open door-to-door visit tasks, escalated first, then by deadline.")
            .Produces<List<VisitTaskResponse>>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<IResult> List(string? region, ReadModel readModel, CancellationToken cancellationToken)
    {
        if (!EvidenceValidation.IsRegion(region))
        {
            return Problems.Invalid("region", "is required: the 6-digit division code of the region, e.g. 340102.");
        }
        var rows = await readModel.OpenVisitTasksAsync(region!, ListLimit, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new VisitTaskResponse(r.PersonKey, r.Region, r.Deadline, ChinaTime.ToLocal(r.CreatedAt), r.Escalated, r.NotFound)).ToList());
    }
}
