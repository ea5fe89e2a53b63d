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
