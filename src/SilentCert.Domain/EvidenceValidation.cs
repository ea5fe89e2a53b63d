using System.Globalization;

namespace SilentCert.Domain;

/// <summary>One evidence record as it arrives (API body or exchange file), every field still unchecked text.</summary>
/// <remarks><see cref="VisitOutcome"/> is what a door-to-door visit found: seen-alive (the default), reported-dead or not-found.</remarks>
public sealed record EvidenceInput(string? Source, string? SourceRecordId, string? IdNumber, string? ObservedAt, string? Region, string? DeathDate,
    string? VisitOutcome = null);

/// <summary>A record that passed validation.</summary>
public sealed record ValidEvidence(SourceDefinition Source, string SourceRecordId, IdNumber IdNumber, DateTimeOffset ObservedAt, string? Region, DateOnly? DeathDate,
    VisitOutcome? Visit = null)
{
    /// <summary>A death or deregistration record, or a visit whose staff were told the person died: it opens a case.</summary>
    public bool IsNegative => Source.Kind == EvidenceKind.Negative || Visit == VisitOutcome.ReportedDead;
}

/// <summary>What is wrong with one field, in words a data clerk can act on.</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>The one set of checks every evidence record passes, whichever way it arrives.</summary>
public static class EvidenceValidation
{
    public const int MaxSourceRecordIdLength = 128;

    /// <summary>How far in the future an observation may lie before it is refused: clocks disagree a little.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static bool TryValidate(EvidenceInput input, SourceCatalogue catalogue, DateTimeOffset now, out ValidEvidence? valid, out FieldError? error)
    {
        valid = null;
        if (string.IsNullOrWhiteSpace(input.Source))
        {
            error = new("source", "is required: the code of the source that produced the record, e.g. travel-realname.");
            return false;
        }
        if (!catalogue.TryGet(input.Source, out var source) || source.Code == SourceCatalogue.EnrolmentSource)
        {
            error = new("source", $"{QuoteCode(input.Source)} is not in the source catalogue; use one of: {string.Join(", ", catalogue.All.Where(s => s.Code != SourceCatalogue.EnrolmentSource).Select(s => s.Code).Order(StringComparer.Ordinal))}.");
            return false;
        }
        if (string.IsNullOrWhiteSpace(input.SourceRecordId) || input.SourceRecordId.Length > MaxSourceRecordIdLength)
        {
            error = new("sourceRecordId", $"is required: the source's own identifier of the record, at most {MaxSourceRecordIdLength} characters.");
            return false;
        }
        if (input.SourceRecordId.Any(char.IsControl))
        {
            error = new("sourceRecordId", "contains a control character (a tab, a line break or the like); send the record identifier as printable text.");
            return false;
        }
        if (ContainsIdNumber(input.SourceRecordId))
        {
            // It would be stored, shown in the history and repeated in every later message about the record.
            error = new("sourceRecordId", "contains an ID number; send the source's own record identifier, never a person's ID number.");
            return false;
        }
        if (!Domain.IdNumber.TryParse(input.IdNumber, out var idNumber, out var idError))
        {
            error = new("idNumber", idError!);
            return false;
        }
        if (!Instants.TryParse(input.ObservedAt, out var observedAt))
        {
            error = new("observedAt", "is required: an ISO-8601 instant with its offset, e.g. 2026-03-15T08:00:00+08:00.");
            return false;
        }
        if (observedAt > now + ClockSkew)
        {
            error = new("observedAt", $"lies in the future (after {ChinaTime.ToLocal(now):yyyy-MM-ddTHH:mm:sszzz}); send a record only once the event has happened.");
            return false;
        }
        if (ChinaTime.DateOf(observedAt) < idNumber!.BirthDate)
        {
            error = new("observedAt", "lies before the birth date in the ID number; check both.");
            return false;
        }
        if (input.Region is not null && !IsRegion(input.Region))
        {
            error = new("region", "must be a 6-digit division code, e.g. 340102.");
            return false;
        }
        VisitOutcome? visit = null;
        if (input.VisitOutcome is not null)
        {
            if (source.Channel != Channel.DoorToDoor || source.Kind != EvidenceKind.Positive)
            {
                error = new("visitOutcome", $"belongs only to door-to-door visit records; source '{source.Code}' is not one.");
                return false;
            }
            visit = VisitOutcomes.Parse(input.VisitOutcome);
            if (visit is null)
            {
                error = new("visitOutcome", "must be seen-alive, reported-dead (with deathDate) or not-found.");
                return false;
            }
        }
        if (visit == VisitOutcome.ReportedDead && input.DeathDate is null)
        {
            error = new("deathDate", "is required when a visit reports the person dead: the date of death staff were told, yyyy-MM-dd.");
            return false;
        }
        DateOnly? deathDate = null;
        if (input.DeathDate is not null)
        {
            if (source.Kind != EvidenceKind.Negative && visit != VisitOutcome.ReportedDead)
            {
                error = new("deathDate", $"belongs only to death and deregistration records and to visits with visitOutcome reported-dead; source '{source.Code}' is positive evidence.");
                return false;
            }
            if (!Dates.TryParse(input.DeathDate, out var date) || date > ChinaTime.DateOf(observedAt) || date < idNumber!.BirthDate)
            {
                error = new("deathDate", "must be a date yyyy-MM-dd between the birth date and the observation date.");
                return false;
            }
            deathDate = date;
        }
        valid = new ValidEvidence(source, input.SourceRecordId, idNumber!, observedAt, input.Region, deathDate, visit);
        error = null;
        return true;
    }

    /// <summary>Whether any 18-character stretch of <paramref name="text"/> is a valid ID number.</summary>
    public static bool ContainsIdNumber(string text)
    {
        for (var start = 0; start + 18 <= text.Length; start++)
        {
            if (char.IsAsciiDigit(text[start]) && Domain.IdNumber.TryParse(text.Substring(start, 18), out _, out _))
            {
                return true;
            }
        }
        return false;
    }

    public static bool IsRegion(string? text) => text is { Length: 6 } && text.All(char.IsAsciiDigit);

    /// <summary>
    /// A code the client sent, quoted for an error message, only when it looks like a code (a letter, then letters,
    /// digits, '-' or '_'). Anything else may be personal data typed into the wrong field, an ID number above all, and
    /// an error never repeats an ID number.
    /// </summary>
    public static string QuoteCode(string? text) =>
        text is { Length: > 0 and <= 40 } && char.IsAsciiLetter(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? $"'{text}'"
            : "the value sent";
}

/// <summary>Parsing of the API's date and instant formats.</summary>
public static class Dates
{
    public static bool TryParse(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

public static class Instants
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK",
    ];

    /// <summary>An ISO-8601 instant that states its offset (Z or ±hh:mm); one without an offset is ambiguous and refused.</summary>
    public static bool TryParse(string? text, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text) || !(text.EndsWith('Z') || HasOffset(text)))
        {
            return false;
        }
        return DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static bool HasOffset(string text) =>
        text.Length > 6 && (text[^6] == '+' || text[^6] == '-') && text[^3] == ':';
}
