using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record WebhookBody(string? Department, string? Programme, string? Url);

public sealed record WebhookCreated(long SubscriptionId);

public sealed record WebhookResponse(long SubscriptionId, string Department, string Programme, string Url, DateTimeOffset CreatedAt);

public sealed record DeadDeliveryResponse(
    long SubscriptionId, string Department, string Programme, string Url, string BeneficiaryId, string Event, DateOnly? EffectiveFrom,
    int Attempts, string? LastError, DateTimeOffset DeadAt);

public sealed record RequeuedResponse(int Requeued);

/// <summary>
/// Departments subscribe a URL to the status changes (suspended, resumed, terminated) of the people in one of their programmes.
/// Pushes decided after subscribing are delivered through the outbox, retried with backoff until the URL answers 2xx or
/// the last allowed attempt fails; operators list such dead deliveries and requeue them once the endpoint is mended.
/// </summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/webhooks").WithTags("Webhooks");
        group.MapPost("/", Subscribe).WithSummary("Subscribe a department's URL to status changes of the people in a programme.")
            .Produces<WebhookCreated>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/", List).WithSummary("The webhook subscriptions, of one programme or of all.")
            .Produces<List<WebhookResponse>>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/dead-letters", DeadLetters).WithSummary("Pushes that failed their last allowed attempt, of one subscription or of all.")
            .Produces<List<DeadDeliveryResponse>>();
        group.MapPost("/{subscriptionId:long}/retry", Retry).WithSummary("Requeue a subscription's dead pushes for delivery now.")
            .Produces<RequeuedResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Subscribe(WebhookBody? body, CertificationRules rules, DeliveryStore store,
        [FromKeyedServices(NodeClock.Key)] TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(body?.Department))
        {
            errors.Add(new("department", "is required: the department that receives the pushes, e.g. civil-affairs."));
        }
        if (body?.Programme is not { } programme || !rules.IsKnownProgramme(programme))
        {
            errors.Add(new("programme", $"is required: the code of a configured programme, e.g. pension-employee; {EvidenceValidation.QuoteCode(body?.Programme)} is not one."));
        }
        if (!Uri.TryCreate(body?.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add(new("url", "is required: an absolute http or https address, e.g. https://dept.example.gov.cn/hooks/silentcert."));
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var id = await store.SubscribeAsync(body!.Department!.Trim(), body.Programme!, url!.AbsoluteUri, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Created($"/api/v1/webhooks?programme={body.Programme}", new WebhookCreated(id));
    }

    private static async Task<IResult> DeadLetters(long? subscriptionId, DeliveryStore store, CancellationToken cancellationToken)
    {
        var rows = await store.DeadAsync(subscriptionId, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new DeadDeliveryResponse(r.SubscriptionId, r.Department, r.Programme, r.Url, r.PersonKey, r.Event,
            r.EffectiveFrom, r.Attempts, r.LastError, ChinaTime.ToLocal(r.DeadAt))).ToList());
    }

    /// <summary>Delivery runs on system time (see <see cref="Hosting.OutboxDelivery"/>), so the requeued attempt does too.</summary>
    private static async Task<IResult> Retry(long subscriptionId, DeliveryStore store, TimeProvider systemClock, CancellationToken cancellationToken) =>
        await store.RequeueDeadAsync(subscriptionId, systemClock.GetUtcNow(), cancellationToken) is { } count
            ? TypedResults.Ok(new RequeuedResponse(count))
            : Problems.NotFound($"There is no webhook subscription {subscriptionId}; GET /api/v1/webhooks lists them.");

    private static async Task<IResult> List(string? programme, CertificationRules rules, DeliveryStore store, CancellationToken cancellationToken)
    {
        if (programme is not null && !rules.IsKnownProgramme(programme))
        {
            return Problems.Invalid("programme", $"must be the code of a configured programme, e.g. pension-employee, or left out; {EvidenceValidation.QuoteCode(programme)} is not one.");
        }
        var rows = await store.SubscriptionsAsync(programme, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new WebhookResponse(r.Id, r.Department, r.Programme, r.Url, ChinaTime.ToLocal(r.CreatedAt))).ToList());
    }
}
