using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace SilentCert.Domain;

/// <summary>A negative record as the rules see it: a source reports the person dead (or deregistered) on a date.</summary>
/// <param name="CaseId">The case this record opens if no case is open; chosen by the caller, unique across people.</param>
public sealed record DeathReport(string CaseId, string Source, string SourceRecordId, DateTimeOffset ObservedAt, DateOnly ReportedDeathDate)
{
    public static int Compare(DeathReport a, DeathReport b)
    {
        var byTime = a.ObservedAt.CompareTo(b.ObservedAt);
        if (byTime != 0) return byTime;
        var bySource = string.CompareOrdinal(a.Source, b.Source);
        return bySource != 0 ? bySource : string.CompareOrdinal(a.SourceRecordId, b.SourceRecordId);
    }
}

/// <summary>One record that a case rests on: the source and its record id, never the person's ID number.</summary>
public sealed record CaseRecord(string Source, string SourceRecordId);

public enum CaseOutcome
{
    Confirmed,
    Refuted,
}

/// <summary>
/// A verification case (疑似丧失资格, rule 11): opened by a negative record, joined by further ones while it is open, and
/// decided once by a reviewer. <see cref="ReportedDeathDate"/> is the date the opening record gave.
/// </summary>
public sealed record VerificationCase(string CaseId, DateOnly ReportedDeathDate, DateTimeOffset OpenedAt, ImmutableArray<CaseRecord> Records)
{
    public CaseOutcome? Outcome { get; init; }

    public DateOnly? ConfirmedDeathDate { get; init; }

    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? Note { get; init; }

    [JsonIgnore]
    public bool IsOpen => Outcome is null;
}

/// <summary>A reviewer's decision on a case (rule 13). <see cref="DecidedBy"/> is the caller as the gateway knows it.</summary>
public sealed record CaseDecision(string CaseId, CaseOutcome Outcome, DateOnly? DateOfDeath, string? Note, string DecidedBy);

public enum CaseDecisionResult
{
    Decided,
    UnknownCase,
    AlreadyDecided,
    DateOfDeathRequired,
    DateOfDeathInFuture,
    DateOfDeathBeforeBirth,
}

/// <summary>
/// A door-to-door visit task (上门服务, rule 8) for one deadline of a key-population person. Open until the deadline
/// moves (the person was certified, by the visit or otherwise), a case opens or the person's death is confirmed;
/// escalated when the last warning goes out while it is still open. <see cref="NotFound"/> counts visits that found nobody.
/// </summary>
public sealed record VisitTask(DateOnly Deadline, string Region, DateTimeOffset CreatedAt)
{
    public bool Escalated { get; init; }

    public int NotFound { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    [JsonIgnore]
    public bool IsOpen => ClosedAt is null;
}

/// <summary>What a door-to-door visit found (API field <c>visitOutcome</c>).</summary>
public enum VisitOutcome
{
    /// <summary>The person was seen alive: strong positive evidence (the default for a door-to-door record).</summary>
    SeenAlive,
    /// <summary>Staff were told the person died: a negative record with its date of death, which opens a case.</summary>
    ReportedDead,
    /// <summary>Nobody was found: certifies nothing; the task stays open.</summary>
    NotFound,
}

/// <summary>The API's and the evidence log's words for <see cref="VisitOutcome"/>.</summary>
public static class VisitOutcomes
{
    public static string Wire(VisitOutcome outcome) => outcome switch
    {
        VisitOutcome.SeenAlive => "seen-alive",
        VisitOutcome.ReportedDead => "reported-dead",
        _ => "not-found",
    };

    private static readonly Dictionary<string, VisitOutcome> ByWord = Enum.GetValues<VisitOutcome>().ToDictionary(Wire, StringComparer.Ordinal);

    /// <summary>The outcome a word names, or null for anything else.</summary>
    public static VisitOutcome? Parse(string? text) => text is not null && ByWord.TryGetValue(text, out var outcome) ? outcome : null;
}
