using System.Collections.Immutable;
using System.Text.Json;
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

    /// <summary>
    /// The log positions the activation's catch-up applied. The intake logs a batch before it calls the grains, so a call
    /// that wakes a grain brings records its activation has just applied; they are not applied twice.
    /// </summary>
    private HashSet<long> _appliedOnActivation = [];

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Person is not null)
        {
            _appliedOnActivation = await CatchUpAsync(republishAll: true);
        }
    }

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
        var fresh = records.RemoveAll(r => _appliedOnActivation.Contains(r.Seq));
        _appliedOnActivation = [];
        if (fresh.IsEmpty)
        {
            return;
        }
        var now = clock.GetUtcNow();
        await CommitAsync(person, Applied(person, fresh, now), now, [.. fresh.Select(r => r.Seq)]);
    }

    public async Task<CaseDecisionReply> DecideCase(CaseDecisionCommand command)
    {
        if (state.State.Person is not { } person)
        {
            return CaseDecisionReply.UnknownCase;
        }
        var now = clock.GetUtcNow();
        var decision = new CaseDecision(command.CaseId, command.Confirmed ? CaseOutcome.Confirmed : CaseOutcome.Refuted, command.DateOfDeath, command.Note, command.DecidedBy);
        var (after, result) = rules.Decide(person, decision, now);
        if (result == CaseDecisionResult.Decided)
        {
            await CommitAsync(person, after, now, []);
        }
        return result switch
        {
            CaseDecisionResult.Decided => CaseDecisionReply.Decided,
            CaseDecisionResult.UnknownCase => CaseDecisionReply.UnknownCase,
            CaseDecisionResult.AlreadyDecided => CaseDecisionReply.AlreadyDecided,
            CaseDecisionResult.DateOfDeathRequired => CaseDecisionReply.DateOfDeathRequired,
            CaseDecisionResult.DateOfDeathInFuture => CaseDecisionReply.DateOfDeathInFuture,
            CaseDecisionResult.DateOfDeathBeforeBirth => CaseDecisionReply.DateOfDeathBeforeBirth,
            _ => throw new InvalidOperationException($"No reply for {result}."),
        };
    }

    public async Task Evaluate()
    {
        if (state.State.Person is null)
        {
            await ForgetAsync();
            return;
        }
        await CatchUpAsync(republishAll: false);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Evaluate();

    public Task<BeneficiaryView?> GetView()
    {
        if (state.State.Person is not { } person)
        {
            return Task.FromResult<BeneficiaryView?>(null);
        }
        var today = ChinaTime.DateOf(clock.GetUtcNow());
        var last = person.LastCertification;
        var open = person.OpenCase;
        return Task.FromResult<BeneficiaryView?>(new BeneficiaryView(
            Key,
            person.MaskedIdNumber,
            person.Region,
            [.. person.Flags],
            Wire(rules.StatusOf(person, today)),
            last is null ? null : new CertificationView(last.Source, last.ObservedOn, Wire(last.Strength)),
            [.. person.Programmes.Select(p => new ProgrammeView(p.Programme, Wire(rules.StatusOf(person, p, today)), p.Deadline, p.SuspendedFrom, p.MonthlyAmount, p.StartMonth.FirstDay))],
            [.. person.History.Select(h => new HistoryView(ChinaTime.ToLocal(h.At), h.Event, h.Cause, h.Rule, h.Programme, h.Deadline, h.DaysBefore, h.EffectiveFrom))],
            open is null ? null : new CaseView(open.CaseId, open.Records[0].Source, open.Records[0].SourceRecordId, open.ReportedDeathDate, person.IsConflicting,
                ChinaTime.ToLocal(open.OpenedAt))));
    }

    /// <summary>
    /// Applies whatever of this person's evidence is in the log but not yet applied (a crash or a failed call left it
    /// there), then everything due now. With <paramref name="republishAll"/>, also republishes every decision, which the
    /// read model and outbox absorb idempotently.
    /// </summary>
    private async Task<HashSet<long>> CatchUpAsync(bool republishAll)
    {
        var person = state.State.Person!;
        var pending = await evidenceLog.UnappliedAsync(Key);
        var now = clock.GetUtcNow();
        var after = Applied(person, [.. pending.Select(e => new EvidenceItem(e.Seq, e.Source, e.SourceRecordId, e.ObservedAt, e.DeathDate, e.VisitOutcome))], now);
        await CommitAsync(person, after, now, [.. pending.Select(e => e.Seq)], republishAll);
        return [.. pending.Select(e => e.Seq)];
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
            // The evidence is applied in the state just written, so its rows are marked applied with the publication, in
            // the same commit (one durable write fewer per call: docs/BENCHMARKS.md), or alone when nothing is published.
            if (after is not null && (changed || republishAll))
            {
                var entries = republishAll || before is null ? after.History : after.History[before.History.Length..];
                await readModel.PublishAsync(Snapshot(after, now), OutboxMessagesFor(after, entries), now, appliedSeqs);
            }
            else
            {
                await readModel.MarkAppliedAsync(Key, appliedSeqs, now);
            }
            // Asks the reminder table rather than WakeAt: a crash just before this left a reminder that WakeAt no longer names.
            if (wakeAt is null && await this.GetReminder(WakeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
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
            [.. person.Programmes.Select(p => (Programme: p, Owed: person.EntitlementOf(p))).Select(x => new EnrolmentSnapshot(x.Programme.Programme,
                Wire(rules.StatusOf(person, x.Programme, today)), x.Programme.Deadline, x.Programme.SuspendedFrom, x.Owed.MonthlyAmount, x.Owed.StartMonth.FirstDay,
                x.Owed.EndsWith?.FirstDay, x.Owed.Held))],
            [.. person.Cases.Select(c => new CaseSnapshot(c.CaseId, c.ReportedDeathDate, c.OpenedAt, c.IsOpen && person.IsConflicting,
                c.Records, c.Outcome is { } o ? Wire(o) : null,
                c.ConfirmedDeathDate, c.DecidedBy, c.DecidedAt, c.Note))],
            [.. person.VisitTasks.Select(t => new VisitTaskSnapshot(t.Deadline, t.Region, t.CreatedAt, t.Escalated, t.NotFound, t.ClosedAt))]);
    }

    /// <summary>
    /// One warning per deadline and offset, and one visit task per deadline, whichever programmes share it: the person
    /// is told once that their certification runs out on that day, and staff are sent once. A suspension, resumption or
    /// termination is pushed to the programme's department, one push per programme; its key names the day it takes
    /// effect, so a republish adds nothing and a later suspension of the same programme is a push of its own. A refuted
    /// case sends each source department a correction notice for each of its records that the case rested on (rule 13).
    /// </summary>
    private List<OutboxMessage> OutboxMessagesFor(Beneficiary person, IReadOnlyCollection<HistoryEntry> entries) =>
    [
        .. entries
            .Where(h => h.Event is HistoryEvents.Suspended or HistoryEvents.Resumed or HistoryEvents.Terminated && h.Programme is not null)
            .Select(h => new OutboxMessage($"push:{h.Event}:{h.Programme}:{h.EffectiveFrom ?? h.Deadline:yyyy-MM-dd}", "department-push", null, h.Deadline,
                [h.Programme!], h.At, Payload(new { programme = h.Programme, @event = h.Event, effectiveFrom = h.EffectiveFrom }), h.Event, h.EffectiveFrom)),
        .. entries
            .Where(h => h.Event is HistoryEvents.Warned or HistoryEvents.VisitTask)
            .GroupBy(h => (h.Event, h.Deadline, h.DaysBefore))
            .Select(g =>
            {
                var programmes = g.Select(h => h.Programme!).Distinct().ToArray();
                var (kind, payload) = g.Key.Event == HistoryEvents.Warned
                    ? ("warning", Payload(new { phone = person.Phone, deadline = g.Key.Deadline, daysBefore = g.Key.DaysBefore, programmes }))
                    : ("visit-task", Payload(new { region = person.Region, deadline = g.Key.Deadline, programmes }));
                return new OutboxMessage($"{kind}:{g.Key.Deadline:yyyy-MM-dd}{(g.Key.DaysBefore is { } days ? $":{days}" : "")}", kind,
                    g.Key.DaysBefore, g.Key.Deadline, programmes, g.First().At, payload);
            }),
        .. entries
            .Where(h => h.Event == HistoryEvents.Refuted)
            .SelectMany(h => person.Cases.Where(c => c.Outcome == CaseOutcome.Refuted && c.DecidedAt == h.At).SelectMany(c => c.Records.Select(r =>
                new OutboxMessage($"correction:{c.CaseId}:{r.Source}:{r.SourceRecordId}", "correction-notice", null, null, [], h.At,
                    Payload(new
                    {
                        department = catalogue.DepartmentOf(r.Source),
                        caseId = c.CaseId, source = r.Source, sourceRecordId = r.SourceRecordId, reportedDeathDate = c.ReportedDeathDate, note = c.Note,
                    }))))),
    ];

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private static string Payload(object body) => JsonSerializer.Serialize(body, PayloadJson);

    /// <summary>
    /// Applies a batch of logged records: positive ones renew (rules 1-6, 10); negative ones, and visits whose staff were
    /// told the person died, open or join a case (rules 11-12), each case named after the log position of the record that
    /// opens it, on the reported date of death (the observation date when a source gives none); a visit that found nobody
    /// is counted on the open visit task (rule 8). Strength and kind come from the source catalogue; a source no longer
    /// configured says nothing.
    /// </summary>
    private Beneficiary Applied(Beneficiary person, IReadOnlyCollection<EvidenceItem> records, DateTimeOffset now)
    {
        var observations = new List<Observation>();
        var reports = new List<DeathReport>();
        var notFound = new List<EvidenceItem>();
        foreach (var record in records)
        {
            if (!catalogue.TryGet(record.Source, out var definition))
            {
                continue;
            }
            var visit = VisitOutcomes.Parse(record.VisitOutcome);
            if (visit == VisitOutcome.NotFound)
            {
                notFound.Add(record);
            }
            else if (definition.Strength is { } strength && visit != VisitOutcome.ReportedDead)
            {
                observations.Add(new Observation(record.Source, record.SourceRecordId, record.ObservedAt, strength));
            }
            else
            {
                reports.Add(new DeathReport($"case-{record.Seq}", record.Source, record.SourceRecordId, record.ObservedAt,
                    record.DeathDate ?? ChinaTime.DateOf(record.ObservedAt)));
            }
        }
        var after = rules.Report(rules.Apply(person, observations, now), reports, now);
        return notFound.OrderBy(r => r.ObservedAt).Aggregate(after, (p, r) => rules.VisitNotFound(p, $"{r.Source}:{r.SourceRecordId}", now));
    }

    private static string Wire(CertificationStatus status) => status.ToString().ToLowerInvariant();

    private static string Wire(Strength strength) => strength.ToString().ToLowerInvariant();

    private static string Wire(CaseOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evidence for {BeneficiaryId} arrived before enrolment; {Count} records left in the log")]
    private static partial void LogNotEnrolled(ILogger logger, string beneficiaryId, int count);
}
