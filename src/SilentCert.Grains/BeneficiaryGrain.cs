using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Grains;

/// <summary>What the grain persists: its decisions, and when its wake reminder is due.</summary>
public sealed class BeneficiaryState
{
    public Beneficiary? Person { get; set; }

    /// <summary>When the <c>wake</c> reminder is registered to fire; null when none is registered.</summary>
    public DateTimeOffset? WakeAt { get; set; }
}

/// <summary>
/// One beneficiary. Every method reads: load → decide (the pure rules) → persist → publish (read model, outbox) →
/// mark applied evidence. A decision is persisted before anything outside the grain learns of it; a crash after that
/// is repaired on the next activation, which re-applies unmarked evidence and republishes idempotently.
/// </summary>
public sealed partial class BeneficiaryGrain(
    [PersistentState("beneficiary", BeneficiaryGrain.StorageName)] IPersistentState<BeneficiaryState> state,
    CertificationRules rules,
    SourceCatalogue catalogue,
    [FromKeyedServices(NodeClock.Key)] TimeProvider clock,
    EvidenceLog evidenceLog,
    ReadModel readModel,
    ILogger<BeneficiaryGrain> logger) : Grain, IBeneficiaryGrain, IRemindable
{
    public const string StorageName = "beneficiaries";
    public const string WakeReminder = "wake";

    /// <summary>
    /// A reminder is never set further ahead than this: an early tick finds nothing due and sets the next one. Keeps due
    /// times well inside what timers accept, and bounds how long a lost registration can go unnoticed.
    /// </summary>
    public static readonly TimeSpan MaxWakeDelay = TimeSpan.FromDays(28);

    /// <summary>
    /// The reminder's period. Every tick re-registers the next wake, so the period matters only when a tick is lost:
    /// re-registration failed, or Orleans skipped a tick that fell on a reminder-table refresh. Then the grain is woken
    /// again within this period and catches up.
    /// </summary>
    public static readonly TimeSpan WakeRetryPeriod = TimeSpan.FromHours(1);

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        state.State.Person is null ? Task.CompletedTask : CatchUpAsync(republishAll: true);

    public async Task<EnrolmentOutcome> Enrol(EnrolCommand command)
    {
        var now = clock.GetUtcNow();
        var before = state.State.Person;
        var request = new EnrolmentRequest(
            command.MaskedIdNumber, command.BirthDate, command.Name, command.Region, command.Phone,
            command.Flags is { } flags ? flags : null,
            [.. command.Enrolments.Select(e => new EnrolmentLine(e.Programme, e.MonthlyAmount, YearMonth.Of(e.StartMonth)))],
            command.EnrolledOn);
        await CommitAsync(before, rules.Enrol(before, request, now), now, []);
        return new EnrolmentOutcome(Created: before is null);
    }

    public async Task ApplyEvidence(ImmutableArray<EvidenceItem> records)
    {
        if (state.State.Person is not { } person)
        {
            LogNotEnrolled(logger, Key, records.Length);
            return; // The rows stay unapplied in the log; nothing is lost.
        }
        var now = clock.GetUtcNow();
        var observations = Observations(records.Select(r => (r.Source, r.SourceRecordId, r.ObservedAt)));
        await CommitAsync(person, rules.Apply(person, observations, now), now, [.. records.Select(r => r.Seq)]);
    }

    public async Task Terminate(TerminationCommand command)
    {
        if (state.State.Person is not { } person)
        {
            throw new InvalidOperationException("Nobody is enrolled under this key.");
        }
        var now = clock.GetUtcNow();
        await CommitAsync(person, rules.Terminate(person, command.DateOfDeath, command.Cause, now), now, []);
    }

    public Task Evaluate() => state.State.Person is null ? ForgetAsync() : CatchUpAsync(republishAll: false);

    public Task ReceiveReminder(string reminderName, TickStatus status) => Evaluate();

    public Task<BeneficiaryView?> GetView()
    {
        if (state.State.Person is not { } person)
        {
            return Task.FromResult<BeneficiaryView?>(null);
        }
        var today = ChinaTime.DateOf(clock.GetUtcNow());
        var last = person.LastCertification;
        return Task.FromResult<BeneficiaryView?>(new BeneficiaryView(
            Key,
            person.MaskedIdNumber,
            person.Region,
            [.. person.Flags],
            Wire(rules.StatusOf(person, today)),
            last is null ? null : new CertificationView(last.Source, last.ObservedOn, Wire(last.Strength)),
            [.. person.Programmes.Select(p => new ProgrammeView(p.Programme, Wire(rules.StatusOf(person, p, today)), p.Deadline, p.SuspendedFrom, p.MonthlyAmount, p.StartMonth.FirstDay))],
            [.. person.History.Select(h => new HistoryView(ChinaTime.ToLocal(h.At), h.Event, h.Cause, h.Rule, h.Programme, h.Deadline, h.DaysBefore, h.EffectiveFrom))]));
    }

    /// <summary>
    /// Applies whatever of this person's evidence is in the log but not yet applied (a crash or a failed call left it
    /// there), then everything due now. With <paramref name="republishAll"/>, also republishes every decision, which the
    /// read model and outbox absorb idempotently.
    /// </summary>
    private async Task CatchUpAsync(bool republishAll)
    {
        var person = state.State.Person!;
        var pending = await evidenceLog.UnappliedAsync(Key);
        var now = clock.GetUtcNow();
        var after = rules.Apply(person, Observations(pending.Select(e => (e.Source, e.SourceRecordId, e.ObservedAt))), now);
        await CommitAsync(person, after, now, [.. pending.Select(e => e.Seq)], republishAll);
    }

    /// <summary>
    /// Nobody is enrolled under this key: drop any reminder, and mark applied any evidence logged for it, so the repair
    /// sweep does not wake it forever. The API stores evidence only for enrolled people, so there is normally none.
    /// </summary>
    private async Task ForgetAsync()
    {
        var pending = await evidenceLog.UnappliedAsync(Key);
        await CommitAsync(null, null, clock.GetUtcNow(), [.. pending.Select(e => e.Seq)]);
    }

    private async Task CommitAsync(Beneficiary? before, Beneficiary? after, DateTimeOffset now, IReadOnlyCollection<long> appliedSeqs, bool republishAll = false)
    {
        try
        {
            var wakeAt = after is null ? null : rules.NextActionAt(after) is { } next ? Min(next, now + MaxWakeDelay) : (DateTimeOffset?)null;
            var changed = after is not null && (before is null
                || before.History.Length != after.History.Length
                || !Equals(before.LatestStrong, after.LatestStrong)
                || !Equals(before.LatestWeak, after.LatestWeak));

            // A wake that comes sooner is set before the state is written: a crash in between costs one early tick, never
            // a lost one. A wake that is no longer needed is removed only once everything below has succeeded.
            var registered = state.State.WakeAt;
            var wakeChanged = registered != wakeAt && !(wakeAt is { } later && registered is { } current && later > current && current > now);
            if (wakeAt is { } due && wakeChanged)
            {
                await this.RegisterOrUpdateReminder(WakeReminder, Max(due - now, TimeSpan.Zero), WakeRetryPeriod);
            }
            if (changed || wakeChanged)
            {
                state.State.Person = after;
                state.State.WakeAt = wakeChanged ? wakeAt : registered;
                await state.WriteStateAsync();
            }
            if (after is not null && (changed || republishAll))
            {
                var entries = republishAll || before is null ? after.History : after.History[before.History.Length..];
                await readModel.PublishAsync(Snapshot(after, now), OutboxMessagesFor(entries), now);
            }
            // Asks the reminder table rather than WakeAt: a crash just before this left a reminder that WakeAt no longer names.
            if (wakeAt is null && await this.GetReminder(WakeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            await evidenceLog.MarkAppliedAsync(Key, appliedSeqs);
        }
        catch
        {
            // After a failed write the state in memory may be ahead of storage: start again from storage next time.
            DeactivateOnIdle();
            throw;
        }
    }


    private BeneficiarySnapshot Snapshot(Beneficiary person, DateTimeOffset now)
    {
        var today = ChinaTime.DateOf(now);
        var last = person.LastCertification;
        return new BeneficiarySnapshot(
            Key, person.MaskedIdNumber, person.Region, Wire(rules.StatusOf(person, today)), rules.NextActionAt(person),
            last?.ObservedOn, last?.Source, person.History.Length,
            [.. person.Programmes.Select(p => new EnrolmentSnapshot(p.Programme, Wire(rules.StatusOf(person, p, today)), p.Deadline, p.SuspendedFrom, p.MonthlyAmount, p.StartMonth.FirstDay,
                p.EndsWith?.FirstDay))]);
    }

    /// <summary>
    /// One warning per deadline and offset, and one visit task per deadline, whichever programmes share it: the person
    /// is told once that their certification runs out on that day, and staff are sent once. A suspension, resumption or
    /// termination is pushed to the programme's department, one push per programme; its key names the day it takes effect, so a
    /// republish adds nothing and a later suspension of the same programme is a push of its own.
    /// </summary>
    private static List<OutboxMessage> OutboxMessagesFor(IReadOnlyCollection<HistoryEntry> entries) =>
    [
        .. entries
            .Where(h => h.Event is HistoryEvents.Suspended or HistoryEvents.Resumed or HistoryEvents.Terminated && h.Programme is not null)
            .Select(h => new OutboxMessage($"push:{h.Event}:{h.Programme}:{h.EffectiveFrom ?? h.Deadline:yyyy-MM-dd}", "department-push", null, h.Deadline,
                [h.Programme!], h.At, h.Event, h.EffectiveFrom)),
        .. entries
            .Where(h => h.Event is HistoryEvents.Warned or HistoryEvents.VisitTask)
            .GroupBy(h => (h.Event, h.Deadline, h.DaysBefore))
            .Select(g =>
            {
                var kind = g.Key.Event == HistoryEvents.Warned ? "warning" : "visit-task";
                return new OutboxMessage($"{kind}:{g.Key.Deadline:yyyy-MM-dd}{(g.Key.DaysBefore is { } days ? $":{days}" : "")}", kind,
                    g.Key.DaysBefore, g.Key.Deadline, [.. g.Select(h => h.Programme!).Distinct()], g.First().At);
            }),
    ];

    /// <summary>Strength comes from the source catalogue; a source no longer configured as positive certifies nothing.</summary>
    private IEnumerable<Observation> Observations(IEnumerable<(string Source, string SourceRecordId, DateTimeOffset ObservedAt)> records)
    {
        foreach (var (source, recordId, observedAt) in records)
        {
            if (catalogue.TryGet(source, out var definition) && definition.Strength is { } strength)
            {
                yield return new Observation(source, recordId, observedAt, strength);
            }
        }
    }

    private static string Wire(CertificationStatus status) => status.ToString().ToLowerInvariant();

    private static string Wire(Strength strength) => strength.ToString().ToLowerInvariant();

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evidence for {BeneficiaryId} arrived before enrolment; {Count} records left in the log")]
    private static partial void LogNotEnrolled(ILogger logger, string beneficiaryId, int count);
}
