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
        group.MapPost("/", Move).WithSummary("Move simulated time forward; returns after every action due by then has run.");
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
            if (!manual.TryMoveTo(target))
            {
                return Problems.Conflict($"The clock is at {ChinaTime.ToLocal(manual.GetUtcNow()):yyyy-MM-ddTHH:mm:sszzz}; it only moves forward.");
            }
            var evaluated = await sweep.RunAsync(target, cancellationToken);
            return TypedResults.Ok(new ClockResponse(ChinaTime.ToLocal(target), evaluated));
        }
        finally
        {
            OneMoveAtATime.Release();
        }
    }
}
