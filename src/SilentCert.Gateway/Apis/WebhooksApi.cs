using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record WebhookBody(string? Department, string? Programme, string? Url);

public sealed record WebhookCreated(long SubscriptionId);

public sealed record WebhookResponse(long SubscriptionId, string Department, string Programme, string Url, DateTimeOffset CreatedAt);

/// <summary>
/// Departments subscribe a URL to the status changes (suspended, resumed, terminated) of the people in one of their programmes.
/// Pushes decided after subscribing are delivered through the outbox (see <see cref="DeliveriesApi"/> for those that
/// failed their last allowed attempt).
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
