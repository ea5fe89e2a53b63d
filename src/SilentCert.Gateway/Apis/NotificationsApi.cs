using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Apis;

public sealed record NotificationResponse(string Kind, int? DaysBefore, DateOnly? Deadline, IReadOnlyList<string> Programmes, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);

public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/notifications").WithTags("Notifications");
        group.MapGet("/", List).WithSummary("What the outbox decided to tell a beneficiary, and when it was delivered.")
            .Produces<List<NotificationResponse>>().ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<IResult> List(string? beneficiaryId, ReadModel readModel)
    {
        if (!Pseudonymizer.IsWellFormedKey(beneficiaryId))
        {
            return Problems.Invalid("beneficiaryId", "is required: the ben-… ID that enrolment or lookup returned.");
        }
        var rows = await readModel.NotificationsAsync(beneficiaryId!);
        return TypedResults.Ok(rows.Select(r => new NotificationResponse(r.Kind, r.DaysBefore, r.Deadline, r.Programmes,
            ChinaTime.ToLocal(r.CreatedAt), r.DeliveredAt is { } d ? ChinaTime.ToLocal(d) : null)).ToList());
    }
}
