using System.Collections.Immutable;
using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record EnrolmentBody(string? Programme, decimal? MonthlyAmount, string? StartMonth);

public sealed record EnrolBody(
    string? IdNumber, string? Name, string? Region, string? Phone, List<string>? Flags, List<EnrolmentBody>? Enrolments, string? EnrolledOn);

public sealed record LookupBody(string? IdNumber);

public sealed record BeneficiaryIdResponse(string BeneficiaryId);

public sealed record LastCertificationResponse(string Source, DateOnly ObservedOn, string Strength);

public sealed record ProgrammeResponse(string Programme, string Status, DateOnly Deadline, DateOnly? SuspendedFrom, decimal MonthlyAmount, string StartMonth);

public sealed record HistoryResponse(DateTimeOffset At, string Event, string Cause, string Rule, string? Programme, DateOnly? Deadline, int? DaysBefore, DateOnly? EffectiveFrom);

/// <summary>The one-screen view (一屏展示) of API.md.</summary>
public sealed record BeneficiaryResponse(
    string BeneficiaryId, string MaskedIdNumber, string Region, ImmutableArray<string> Flags, string Status,
    LastCertificationResponse? LastCertification, IReadOnlyList<ProgrammeResponse> Programmes, OpenCaseResponse? OpenCase,
    IReadOnlyList<HistoryResponse> History);

/// <summary>The person's open verification case (rule 12): conflicting when strong evidence came after the reported death.</summary>
public sealed record OpenCaseResponse(string CaseId, string Source, string SourceRecordId, DateOnly ReportedDeathDate, bool Conflicting, DateTimeOffset OpenedAt);

public static class BeneficiariesApi
{
    public const int MaxNameLength = 100;
    public const decimal MaxMonthlyAmount = 1_000_000m;

    public static RouteGroupBuilder MapBeneficiariesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/beneficiaries").WithTags("Beneficiaries");
        group.MapPost("/", Enrol).WithSummary("Enrol a person, or update an enrolled one (same ID number: 200).")
            .Produces<BeneficiaryIdResponse>(StatusCodes.Status201Created).Produces<BeneficiaryIdResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/lookup", Lookup).WithSummary("Find a beneficiary ID by ID number, which never travels in a URL.")
            .Produces<BeneficiaryIdResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{beneficiaryId}", Get).WithSummary("The one-screen view of a beneficiary.")
            .Produces<BeneficiaryResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<IResult> Enrol(EnrolBody? body, Pseudonymizer pseudonyms, CertificationRules rules,
        [FromKeyedServices(NodeClock.Key)] TimeProvider clock, IGrainFactory grains)
    {
        if (body is null) return Problems.Invalid("body", "send the enrolment as a JSON object");
        var today = ChinaTime.DateOf(clock.GetUtcNow());
        var errors = new List<FieldError>();
        IdNumber? idNumber = null;
        if (!IdNumber.TryParse(body.IdNumber, out idNumber, out var idError)) errors.Add(new("idNumber", idError!));
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > MaxNameLength)
            errors.Add(new("name", $"is required, at most {MaxNameLength} characters."));
        if (!EvidenceValidation.IsRegion(body.Region)) errors.Add(new("region", "is required: a 6-digit division code, e.g. 340102."));
        if (body.Phone is not null && (body.Phone.Length is < 5 or > 20 || !body.Phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')))
            errors.Add(new("phone", "must be a telephone number of 5 to 20 digits (an optional + and - are allowed)."));
        foreach (var flag in body.Flags ?? [])
        {
            if (!PersonFlags.All.Contains(flag)) errors.Add(new("flags", $"{EvidenceValidation.QuoteCode(flag)} is not a flag; use any of {string.Join(", ", PersonFlags.All)}."));
        }
        if (!Dates.TryParse(body.EnrolledOn, out var enrolledOn))
            errors.Add(new("enrolledOn", "is required: the enrolment date, yyyy-MM-dd."));
        else if (enrolledOn > today)
            errors.Add(new("enrolledOn", $"lies in the future (today is {today:yyyy-MM-dd}); enrol on or after the day the person came in."));
        else if (idNumber is not null && enrolledOn < idNumber.BirthDate)
            errors.Add(new("enrolledOn", "is before the birth date in the ID number."));

        var items = ImmutableArray.CreateBuilder<EnrolmentItem>();
        if (body.Enrolments is not { Count: > 0 })
        {
            errors.Add(new("enrolments", "needs at least one programme: { programme, monthlyAmount, startMonth }."));
        }
        else
        {
            for (var i = 0; i < body.Enrolments.Count; i++)
            {
                var e = body.Enrolments[i];
                var field = $"enrolments[{i}]";
                if (e is null) { errors.Add(new(field, "must be an object.")); continue; }
                if (e.Programme is null || !rules.IsKnownProgramme(e.Programme))
                    errors.Add(new($"{field}.programme", $"{EvidenceValidation.QuoteCode(e.Programme)} is not a configured programme."));
                else if (body.Enrolments.Take(i).Any(p => p?.Programme == e.Programme))
                    errors.Add(new($"{field}.programme", $"'{e.Programme}' appears twice; send each programme once."));
                if (e.MonthlyAmount is not { } amount || amount <= 0 || amount > MaxMonthlyAmount || decimal.Round(amount, 2) != amount)
                    errors.Add(new($"{field}.monthlyAmount", "is required: yuan per month, more than 0, at most two decimals."));
                if (!YearMonth.TryParse(e.StartMonth, out var start))
                    errors.Add(new($"{field}.startMonth", "is required: the first payable month, yyyy-MM."));
                if (errors.Count == 0) items.Add(new EnrolmentItem(e.Programme!, e.MonthlyAmount!.Value, start.FirstDay));
            }
        }
        if (errors.Count > 0) return Problems.Invalid(errors);

        var key = pseudonyms.KeyOf(idNumber!);
        var outcome = await grains.GetGrain<IBeneficiaryGrain>(key).Enrol(new EnrolCommand(
            idNumber!.Masked, idNumber.BirthDate, body.Name!.Trim(), body.Region!, body.Phone,
            body.Flags is null ? null : [.. body.Flags.Distinct()], items.ToImmutable(), enrolledOn));
        var response = new BeneficiaryIdResponse(key);
        return outcome.Created ? TypedResults.Created($"/api/v1/beneficiaries/{key}", response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> Lookup(LookupBody? body, Pseudonymizer pseudonyms, ReadModel readModel)
    {
        if (!IdNumber.TryParse(body?.IdNumber, out var idNumber, out var error)) return Problems.Invalid("idNumber", error!);
        var key = pseudonyms.KeyOf(idNumber!);
        var enrolled = await readModel.EnrolledAmongAsync([key]);
        return enrolled.Contains(key)
            ? TypedResults.Ok(new BeneficiaryIdResponse(key))
            : Problems.NotFound("Nobody with this ID number is enrolled; enrol them with POST /api/v1/beneficiaries.");
    }

    private static async Task<IResult> Get(string beneficiaryId, IGrainFactory grains)
    {
        var view = Pseudonymizer.IsWellFormedKey(beneficiaryId) ? await grains.GetGrain<IBeneficiaryGrain>(beneficiaryId).GetView() : null;
        if (view is null)
        {
            return Problems.NotFound("No beneficiary has this ID; IDs look like ben- followed by 64 hex digits. Use POST /api/v1/beneficiaries/lookup to find one.");
        }
        return TypedResults.Ok(new BeneficiaryResponse(
            view.BeneficiaryId, view.MaskedIdNumber, view.Region, view.Flags, view.Status,
            view.LastCertification is { } c ? new LastCertificationResponse(c.Source, c.ObservedOn, c.Strength) : null,
            [.. view.Programmes.Select(p => new ProgrammeResponse(p.Programme, p.Status, p.Deadline, p.SuspendedFrom, p.MonthlyAmount, YearMonth.Of(p.StartMonth).ToString()))],
            view.OpenCase is { } open
                ? new OpenCaseResponse(open.CaseId, open.Source, open.SourceRecordId, open.ReportedDeathDate, open.Conflicting, open.OpenedAt)
                : null,
            [.. view.History.Select(h => new HistoryResponse(h.At, h.Event, h.Cause, h.Rule, h.Programme, h.Deadline, h.DaysBefore, h.EffectiveFrom))]));
    }
}
