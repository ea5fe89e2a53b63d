using SilentCert.Contracts;
using SilentCert.Domain;

namespace SilentCert.Gateway.Apis;

/// <summary>What a department needs to reuse a certification (互认复用), and no more: never the evidence itself.</summary>
public sealed record RecognitionResponse(string BeneficiaryId, string Programme, string Status, DateOnly Deadline, DateOnly? LastCertifiedOn, string? Channel);

public static class RecognitionsApi
{
    public static RouteGroupBuilder MapRecognitionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/recognitions").WithTags("Recognitions");
        group.MapGet("/{beneficiaryId}", Get)
            .WithSummary("A department's view of one certification: status, deadline, when and through which channel the person was last certified.")
            .Produces<RecognitionResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Get(string beneficiaryId, string? programme, CertificationRules rules, SourceCatalogue catalogue, IGrainFactory grains)
    {
        if (programme is null || !rules.IsKnownProgramme(programme))
        {
            return Problems.Invalid("programme", $"is required: the code of a configured programme, e.g. pension-employee; {EvidenceValidation.QuoteCode(programme)} is not one.");
        }
        var view = Pseudonymizer.IsWellFormedKey(beneficiaryId) ? await grains.GetGrain<IBeneficiaryGrain>(beneficiaryId).GetView() : null;
        if (view?.Programmes.FirstOrDefault(p => p.Programme == programme) is not { } enrolment)
        {
            return Problems.NotFound($"No beneficiary with this ID is enrolled in {programme}.");
        }
        var last = view.LastCertification;
        var channel = last is not null && catalogue.TryGet(last.Source, out var source) ? ChannelName(source.Channel) : null;
        return TypedResults.Ok(new RecognitionResponse(view.BeneficiaryId, programme, enrolment.Status, enrolment.Deadline, last?.ObservedOn, channel));
    }

    private static string ChannelName(Channel channel) => channel switch
    {
        Channel.DataMatch => "data-match",
        Channel.SelfService => "self-service",
        Channel.DoorToDoor => "door-to-door",
        _ => "in-person",
    };
}
