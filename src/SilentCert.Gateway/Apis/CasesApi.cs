using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Apis;

/// <summary>
/// A verification case (rules 11-13). The first record is the one that opened it; outcome, deathDate, decidedBy and
/// decidedAt are null while it is open.
/// </summary>
public sealed record CaseResponse(
    string CaseId, string BeneficiaryId, string Source, string SourceRecordId, DateOnly ReportedDeathDate, bool Conflicting, DateTimeOffset OpenedAt,
    string? Outcome, DateOnly? DeathDate, string? DecidedBy, DateTimeOffset? DecidedAt);

public sealed record CaseDecisionBody(string? Outcome, string? DeathDate, string? Note);

public sealed record CaseDecided(string CaseId, string Outcome, DateOnly? DeathDate, string DecidedBy);

/// <summary>Per source department: its negative records in open, confirmed and refuted cases (Gansu: 2,579 suspects, 59 confirmed).</summary>
public sealed record DepartmentQuality(string Department, IReadOnlyList<string> Sources, long Open, long Confirmed, long Refuted);

/// <summary>
/// The reviewers' queue (精准核实): open cases, conflicting ones first, and one decision per case. A decision is the
/// person's grain's to make; this only routes it to the grain that owns the case and maps the answer.
/// </summary>
public static class CasesApi
{
    private const string UnknownCase = "No verification case has this ID; GET /api/v1/cases lists the open ones.";

    /// <summary>The header that names the reviewer where the gateway does not authenticate callers itself.</summary>
    public const string ReviewerHeader = "X-Reviewer";

    private const int ListLimit = 1_000;

    /// <summary>A note travels to the source department with a correction notice: room for a sentence or two, no more.</summary>
    public const int MaxNoteLength = 500;

    public static RouteGroupBuilder MapCasesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/cases").WithTags("Verification cases");
        group.MapGet("/", List).WithSummary("Open cases, conflicting first then oldest (state=open, the default), or decided cases, latest first (state=decided).")
            .Produces<List<CaseResponse>>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/{caseId}/decision", Decide).WithSummary("A reviewer confirms (with the date of death) or refutes an open case; once.")
            .Produces<CaseDecided>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        routes.MapGet("/api/v1/reports/data-quality", Quality).WithTags("Verification cases")
            .WithSummary("Per source department: how many of its negative records were confirmed, refuted, or are still open.")
            .Produces<List<DepartmentQuality>>();
        return group;
    }

    private static async Task<IResult> List(string? state, CaseStore cases, CancellationToken cancellationToken)
    {
        if (state is not (null or "open" or "decided"))
        {
            return Problems.Invalid("state", $"must be open or decided, or left out for open; {EvidenceValidation.QuoteCode(state)} is neither.");
        }
        var rows = await cases.ListAsync(state != "decided", ListLimit, cancellationToken);
        return TypedResults.Ok(rows.Select(r => new CaseResponse(r.CaseId, r.PersonKey, r.Source, r.SourceRecordId, r.ReportedDeathDate, r.Conflicting,
            ChinaTime.ToLocal(r.OpenedAt), r.Outcome, r.DeathDate, r.DecidedBy, r.DecidedAt is { } at ? ChinaTime.ToLocal(at) : null)).ToList());
    }

    private static async Task<IResult> Decide(string caseId, CaseDecisionBody? body, HttpContext http, CaseStore cases, IGrainFactory grains,
        CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var confirmed = body?.Outcome == "confirmed";
        if (body?.Outcome is not ("confirmed" or "refuted"))
        {
            errors.Add(new("outcome", $"is required: confirmed (with deathDate) or refuted; {EvidenceValidation.QuoteCode(body?.Outcome)} is neither."));
        }
        DateOnly? deathDate = null;
        if (body?.DeathDate is { } text)
        {
            if (Dates.TryParse(text, out var parsed)) deathDate = parsed;
            else errors.Add(new("deathDate", "must be a date written yyyy-MM-dd, e.g. 2026-04-28."));
        }
        else if (confirmed)
        {
            errors.Add(new("deathDate", "is required when the outcome is confirmed: the date of death, yyyy-MM-dd."));
        }
        if (body?.Note is { } note && (note.Length > MaxNoteLength || EvidenceValidation.ContainsIdNumber(note)))
        {
            errors.Add(new("note", $"must be at most {MaxNoteLength} characters and hold no ID number: it is kept in the history and sent to the source department."));
        }
        var reviewer = http.Request.Headers[ReviewerHeader].ToString().Trim();
        if (reviewer.Length > 100 || EvidenceValidation.ContainsIdNumber(reviewer))
        {
            errors.Add(new(ReviewerHeader, "must be the reviewer's user name, at most 100 characters, never an ID number."));
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (await cases.OwnerAsync(caseId, cancellationToken) is not { } owner)
        {
            return Problems.NotFound(UnknownCase);
        }
        var decidedBy = Reviewer(http, reviewer);
        var dateOfDeath = confirmed ? deathDate : null;
        var reply = await grains.GetGrain<IBeneficiaryGrain>(owner).DecideCase(new CaseDecisionCommand(caseId, confirmed, dateOfDeath, body!.Note, decidedBy));
        return reply switch
        {
            CaseDecisionReply.Decided => TypedResults.Ok(new CaseDecided(caseId, body.Outcome!, dateOfDeath, decidedBy)),
            CaseDecisionReply.UnknownCase => Problems.NotFound(UnknownCase),
            CaseDecisionReply.AlreadyDecided => Problems.Conflict("This case has already been decided, and a decision is final. Nothing was changed; GET /api/v1/cases?state=decided shows the decision."),
            CaseDecisionReply.DateOfDeathInFuture => Problems.Invalid("deathDate", "is after today: a date of death cannot be in the future."),
            CaseDecisionReply.DateOfDeathBeforeBirth => Problems.Invalid("deathDate", "is before the person's date of birth."),
            _ => Problems.Invalid("deathDate", "is required when the outcome is confirmed: the date of death, yyyy-MM-dd."),
        };
    }

    /// <summary>
    /// Who decided, as the gateway knows the caller: the authenticated user where a sign-in is configured in front of it,
    /// else the reviewer the caller names in the X-Reviewer header, else the address the call came from.
    /// </summary>
    private static string Reviewer(HttpContext http, string header)
    {
        if (http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }) return name;
        if (header.Length > 0) return header;
        return $"address:{http.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
    }

    private static async Task<IResult> Quality(CaseStore cases, SourceCatalogue catalogue, CancellationToken cancellationToken)
    {
        var bySource = await cases.QualityBySourceAsync(cancellationToken);
        var departments = bySource
            .GroupBy(r => catalogue.DepartmentOf(r.Source))
            .Select(g => new DepartmentQuality(g.Key, [.. g.Select(r => r.Source)], g.Sum(r => r.Open), g.Sum(r => r.Confirmed), g.Sum(r => r.Refuted)))
            .OrderBy(d => d.Department, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(departments);
    }
}
