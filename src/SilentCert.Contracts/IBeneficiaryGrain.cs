using System.Collections.Immutable;

namespace SilentCert.Contracts;

/// <summary>
/// One beneficiary, keyed by their pseudonymous key (<c>ben-</c> + HMAC of the ID number). Owns the person's evidence
/// summary, deadlines, warnings and suspensions; wakes itself with one reminder.
/// </summary>
[Alias("SilentCert.IBeneficiaryGrain")]
public interface IBeneficiaryGrain : IGrainWithStringKey
{
    /// <summary>Enrols the person, or updates an enrolled person with only the fields sent (rule 5).</summary>
    [Alias("Enrol")]
    Task<EnrolmentOutcome> Enrol(EnrolCommand command);

    /// <summary>Applies this person's records that are already durable in the evidence log (rules 1-6, 10-12).</summary>
    [Alias("ApplyEvidence")]
    Task ApplyEvidence(ImmutableArray<EvidenceItem> records);

    /// <summary>A reviewer decides one of the person's verification cases (rule 13). Nothing changes unless the reply is Decided.</summary>
    [Alias("DecideCase")]
    Task<CaseDecisionReply> DecideCase(CaseDecisionCommand command);

    /// <summary>
    /// Carries out every action due up to the current instant of the node's clock: the one code path that reminder ticks
    /// and the manual clock both take. Idempotent.
    /// </summary>
    [Alias("Evaluate")]
    Task Evaluate();

    /// <summary>The one-screen view (一屏展示), or null when nobody is enrolled under this key.</summary>
    [Alias("GetView")]
    Task<BeneficiaryView?> GetView();
}

[GenerateSerializer, Immutable, Alias("SilentCert.EnrolCommand")]
public sealed record EnrolCommand(
    [property: Id(0)] string MaskedIdNumber,
    [property: Id(1)] DateOnly BirthDate,
    [property: Id(2)] string Name,
    [property: Id(3)] string Region,
    [property: Id(4)] string? Phone,
    [property: Id(5)] ImmutableArray<string>? Flags,
    [property: Id(6)] ImmutableArray<EnrolmentItem> Enrolments,
    [property: Id(7)] DateOnly EnrolledOn);

/// <summary>A programme the person is enrolled in; <see cref="StartMonth"/> is the first day of the first payable month.</summary>
[GenerateSerializer, Immutable, Alias("SilentCert.EnrolmentItem")]
public sealed record EnrolmentItem(
    [property: Id(0)] string Programme,
    [property: Id(1)] decimal MonthlyAmount,
    [property: Id(2)] DateOnly StartMonth);

[GenerateSerializer, Immutable, Alias("SilentCert.EnrolmentOutcome")]
public sealed record EnrolmentOutcome([property: Id(0)] bool Created);

/// <summary>
/// An evidence record as stored in the evidence log; <see cref="DeathDate"/> is what a negative record reports, and
/// <see cref="VisitOutcome"/> what a door-to-door visit found (seen-alive, reported-dead, not-found).
/// </summary>
[GenerateSerializer, Immutable, Alias("SilentCert.EvidenceItem")]
public sealed record EvidenceItem(
    [property: Id(0)] long Seq,
    [property: Id(1)] string Source,
    [property: Id(2)] string SourceRecordId,
    [property: Id(3)] DateTimeOffset ObservedAt,
    [property: Id(4)] DateOnly? DeathDate = null,
    [property: Id(5)] string? VisitOutcome = null);

/// <summary><see cref="Outcome"/> is confirmed or refuted; <see cref="DecidedBy"/> the caller as the gateway knows it.</summary>
[GenerateSerializer, Immutable, Alias("SilentCert.CaseDecisionCommand")]
public sealed record CaseDecisionCommand(
    [property: Id(0)] string CaseId,
    [property: Id(1)] bool Confirmed,
    [property: Id(2)] DateOnly? DateOfDeath,
    [property: Id(3)] string? Note,
    [property: Id(4)] string DecidedBy);

[GenerateSerializer, Alias("SilentCert.CaseDecisionReply")]
public enum CaseDecisionReply
{
    Decided,
    UnknownCase,
    AlreadyDecided,
    DateOfDeathRequired,
    DateOfDeathInFuture,
    DateOfDeathBeforeBirth,
}

/// <summary>The person's open verification case, as the one-screen view shows it.</summary>
[GenerateSerializer, Immutable, Alias("SilentCert.CaseView")]
public sealed record CaseView(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string Source,
    [property: Id(2)] string SourceRecordId,
    [property: Id(3)] DateOnly ReportedDeathDate,
    [property: Id(4)] bool Conflicting,
    [property: Id(5)] DateTimeOffset OpenedAt);

[GenerateSerializer, Immutable, Alias("SilentCert.BeneficiaryView")]
public sealed record BeneficiaryView(
    [property: Id(0)] string BeneficiaryId,
    [property: Id(1)] string MaskedIdNumber,
    [property: Id(2)] string Region,
    [property: Id(3)] ImmutableArray<string> Flags,
    [property: Id(4)] string Status,
    [property: Id(5)] CertificationView? LastCertification,
    [property: Id(6)] ImmutableArray<ProgrammeView> Programmes,
    [property: Id(7)] ImmutableArray<HistoryView> History,
    [property: Id(8)] CaseView? OpenCase);

[GenerateSerializer, Immutable, Alias("SilentCert.CertificationView")]
public sealed record CertificationView(
    [property: Id(0)] string Source,
    [property: Id(1)] DateOnly ObservedOn,
    [property: Id(2)] string Strength);

[GenerateSerializer, Immutable, Alias("SilentCert.ProgrammeView")]
public sealed record ProgrammeView(
    [property: Id(0)] string Programme,
    [property: Id(1)] string Status,
    [property: Id(2)] DateOnly Deadline,
    [property: Id(3)] DateOnly? SuspendedFrom,
    [property: Id(4)] decimal MonthlyAmount,
    [property: Id(5)] DateOnly StartMonth);

[GenerateSerializer, Immutable, Alias("SilentCert.HistoryView")]
public sealed record HistoryView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Event,
    [property: Id(2)] string Cause,
    [property: Id(3)] string Rule,
    [property: Id(4)] string? Programme,
    [property: Id(5)] DateOnly? Deadline,
    [property: Id(6)] int? DaysBefore,
    [property: Id(7)] DateOnly? EffectiveFrom);

/// <summary>
/// The cluster's clock as its decisions read it (system time, or the manual clock of a simulation): what a client such as
/// the exchange-file loader validates observation times against, exactly as the API does.
/// </summary>
[Alias("SilentCert.IClusterClockGrain")]
public interface IClusterClockGrain : IGrainWithIntegerKey
{
    [Alias("Now")]
    Task<DateTimeOffset> Now();
}
