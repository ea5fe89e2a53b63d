using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Apis;

/// <summary>
/// A delivery that failed its last allowed attempt. <see cref="TargetId"/> is a department's webhook subscription
/// (<see cref="Channel"/> null) or the endpoint configured for one outbox kind (<see cref="Channel"/> = that kind).
/// </summary>
public sealed record DeadDeliveryResponse(
    long TargetId, string? Channel, string? Department, string? Programme, string Url, string BeneficiaryId, string Kind, string? Event,
    DateOnly? EffectiveFrom, int Attempts, string? LastError, DateTimeOffset DeadAt);

public sealed record RequeuedResponse(int Requeued);

/// <summary>
/// The outbox's dead letters for operators: every kind (warnings, visit tasks, correction notices, department pushes) is
/// retried with backoff until its target answers 2xx or the last allowed attempt fails; such deliveries are listed here
/// and requeued, target by target, once the endpoint is mended.
/// </summary>
public static class DeliveriesApi
{
    public static RouteGroupBuilder MapDeliveriesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/deliveries").WithTags("Deliveries");
        group.MapGet("/dead-letters", DeadLetters).WithSummary("Deliveries that failed their last allowed attempt, of one target or of all.")
            .Produces<List<DeadDeliveryResponse>>();
        group.MapPost("/targets/{targetId:long}/retry", Retry).WithSummary("Requeue a target's dead deliveries for an attempt now.")
            .Produces<RequeuedResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> DeadLetters(long? targetId, DeliveryStore store, CancellationToken cancellationToken)
    {
        var rows = await store.DeadLettersAsync(targetId, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new DeadDeliveryResponse(r.TargetId, r.Channel, r.Department, r.Programme, r.Url, r.PersonKey, r.Kind,
            r.Event, r.EffectiveFrom, r.Attempts, r.LastError, ChinaTime.ToLocal(r.DeadAt))).ToList());
    }

    /// <summary>Delivery runs on system time (see <see cref="Hosting.OutboxDelivery"/>), so the requeued attempt does too.</summary>
    private static async Task<IResult> Retry(long targetId, DeliveryStore store, TimeProvider systemClock, CancellationToken cancellationToken) =>
        await store.RequeueDeadAsync(targetId, systemClock.GetUtcNow(), cancellationToken) is { } count
            ? TypedResults.Ok(new RequeuedResponse(count))
            : Problems.NotFound($"There is no delivery target {targetId}; the dead letters name their targetId.");
}
