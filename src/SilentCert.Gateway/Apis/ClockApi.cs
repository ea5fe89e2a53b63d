using SilentCert.Domain;
using SilentCert.Gateway.Hosting;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record ClockBody(string? Now);

public sealed record ClockResponse(DateTimeOffset Now, int Evaluated);

/// <summary>Manual clock mode only: read and move simulated time; a move returns once everything due has run.</summary>
public static class ClockApi
{
    private static readonly SemaphoreSlim OneMoveAtATime = new(1, 1);

    public static RouteGroupBuilder MapClockApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/clock").WithTags("Clock (manual mode)");
        group.MapGet("/", ([FromKeyedServices(NodeClock.Key)] TimeProvider clock) =>
            TypedResults.Ok(new ClockResponse(ChinaTime.ToLocal(clock.GetUtcNow()), 0)));
        group.MapPost("/", Move).WithSummary("Move simulated time forward; returns after every action due by then has run.")
            .Produces<ClockResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Move(ClockBody? body, [FromKeyedServices(NodeClock.Key)] TimeProvider clock, DueSweep sweep, CancellationToken cancellationToken)
    {
        if (!Instants.TryParse(body?.Now, out var target))
        {
            return Problems.Invalid("now", "is required: an ISO-8601 instant with offset, e.g. 2027-04-01T00:00:00+08:00.");
        }
        var manual = (ManualClock)clock;
        await OneMoveAtATime.WaitAsync(cancellationToken);
        try
        {
            var from = manual.GetUtcNow();
            if (target < from)
            {
                return Problems.Conflict($"The clock is at {ChinaTime.ToLocal(from):yyyy-MM-ddTHH:mm:sszzz}; it only moves forward.");
            }
            // Actions fall due at local midnights (decisions go by China date, rule 7). Stopping at each midnight on the
            // way carries each out on its own day, as the reminders would have: a warning due in February is not given
            // in April, which would put off a suspension (rule 9). One long move then ends as many short ones do.
            var evaluated = 0;
            for (var midnight = ChinaTime.StartOf(ChinaTime.DateOf(from).AddDays(1)); midnight < target; midnight = midnight.AddDays(1))
            {
                manual.TryMoveTo(midnight);
                evaluated += await sweep.RunAsync(midnight, cancellationToken);
            }
            manual.TryMoveTo(target);
            evaluated += await sweep.RunAsync(target, cancellationToken);
            return TypedResults.Ok(new ClockResponse(ChinaTime.ToLocal(target), evaluated));
        }
        finally
        {
            OneMoveAtATime.Release();
        }
    }
}
