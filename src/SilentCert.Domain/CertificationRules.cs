using System.Collections.Immutable;

namespace SilentCert.Domain;

/// <summary>
/// Rules 1-10 of DOMAIN.md as pure functions: each takes a beneficiary and an instant and returns the beneficiary after
/// the rules have run, with every decision appended to its history. No clock is read here.
/// </summary>
public sealed class CertificationRules
{
    private readonly CertificationPolicy _policy;
    private readonly IReadOnlyDictionary<string, ProgrammeDefinition> _programmes;

    public CertificationRules(CertificationPolicy policy, IEnumerable<ProgrammeDefinition> programmes)
    {
        policy.Validate();
        _policy = policy;
        _programmes = programmes.ToDictionary(p => p.Code, StringComparer.Ordinal);
    }

    public CertificationPolicy Policy => _policy;

    public bool IsKnownProgramme(string code) => _programmes.ContainsKey(code);

    /// <summary>The first month the programme has a payroll for, when the province configured one.</summary>
    public YearMonth? ProgrammeStart(string code) => _programmes.TryGetValue(code, out var programme) ? programme.StartMonth : null;

    /// <summary>Enrols a person or updates an enrolled one (rule 5), then evaluates at once (rule 8).</summary>
    public Beneficiary Enrol(Beneficiary? current, EnrolmentRequest request, DateTimeOffset now)
    {
        var enrolment = Observation.Enrolment(request.EnrolledOn);
        var person = current is null
            ? new Beneficiary(request.MaskedIdNumber, request.BirthDate, request.Name, request.Region, request.Phone,
                (request.Flags ?? []).ToImmutableSortedSet(StringComparer.Ordinal), request.EnrolledOn, [], null, null,
                [new HistoryEntry(now, HistoryEvents.Enrolled, enrolment.Cause, "enrolment-in-person")])
            : current with
            {
                Name = request.Name,
                Region = request.Region,
                Phone = request.Phone ?? current.Phone,
                Flags = request.Flags is null ? current.Flags : request.Flags.ToImmutableSortedSet(StringComparer.Ordinal),
                EnrolledOn = request.EnrolledOn > current.EnrolledOn ? request.EnrolledOn : current.EnrolledOn,
                History = current.History.Add(new HistoryEntry(now, HistoryEvents.Updated, enrolment.Cause, "enrolment-in-person")),
            };

        var programmes = person.Programmes.ToList();
        foreach (var line in request.Enrolments)
        {
            var index = programmes.FindIndex(p => p.Programme == line.Programme);
            if (index >= 0)
            {
                programmes[index] = programmes[index] with { MonthlyAmount = line.MonthlyAmount, StartMonth = line.StartMonth };
                continue;
            }
            // A programme joined later starts from what is already known of the person (互认复用), then from this enrolment.
            var added = new ProgrammeEnrolment(line.Programme, line.MonthlyAmount, line.StartMonth, DateOnly.MinValue, [], null, false, null);
            var history = ImmutableArray.CreateBuilder<HistoryEntry>();
            foreach (var known in new[] { person.LatestStrong, person.LatestWeak }.OfType<Observation>())
            {
                added = Renew(person, added, known, now, history);
            }
            programmes.Add(added);
            person = person with { History = person.History.AddRange(history) };
        }
        person = person with { Programmes = [.. programmes] };
        return Apply(person, [enrolment], now);
    }

    /// <summary>
    /// Applies positive evidence (rules 1-6, 10), then evaluates at <paramref name="now"/> (rule 8: a person whose deadline
    /// is near or past is warned by the same call). The records are applied in one total order, whatever order they came in.
    /// </summary>
    public Beneficiary Apply(Beneficiary person, IEnumerable<Observation> evidence, DateTimeOffset now)
    {
        if (person.DateOfDeath is not null)
        {
            return person; // A confirmed death is final: nothing certifies the person again.
        }
        var wasHeld = person.IsHeld;
        var ordered = evidence.ToList();
        ordered.Sort(Observation.Compare);
        var history = ImmutableArray.CreateBuilder<HistoryEntry>();
        foreach (var observation in ordered)
        {
            person = person with
            {
                LatestStrong = observation.Strength == Strength.Strong ? Later(person.LatestStrong, observation) : person.LatestStrong,
                LatestWeak = observation.Strength == Strength.Weak ? Later(person.LatestWeak, observation) : person.LatestWeak,
                Programmes = person.Programmes.Select(p => Renew(person, p, observation, now, history)).ToImmutableArray(),
            };
        }
        person = CloseVisitTasks(person, t => !person.Programmes.Any(p => p.Deadline == t.Deadline), now);
        if (wasHeld && person.IsConflicting)
        {
            // Rule 12: strong evidence observed after the reported death: likely a data error, payments carry on.
            history.Add(new HistoryEntry(now, HistoryEvents.Conflicting, person.LatestStrong!.Cause, "conflict-strong-evidence-after-death"));
        }
        return Evaluate(person with { History = person.History.AddRange(history) }, now);
    }

    /// <summary>
    /// Works out everything due up to <paramref name="now"/>: warnings (rule 8), overdue and month-end suspension (rule 9).
    /// Idempotent: evaluating twice at the same instant, or at an earlier one, changes nothing more.
    /// </summary>
    public Beneficiary Evaluate(Beneficiary person, DateTimeOffset now)
    {
        if (person.DateOfDeath is not null)
        {
            return person; // Nobody is warned or suspended after entitlement has ended.
        }
        var today = ChinaTime.DateOf(now);
        var history = ImmutableArray.CreateBuilder<HistoryEntry>();
        var programmes = person.Programmes.Select(p => EvaluateProgramme(person, p, today, now, history)).ToImmutableArray();
        if (history.Count == 0)
        {
            return person;
        }
        // Rule 8: one visit task per deadline, whichever programmes share it; escalated when the last warning goes out
        // and staff have not yet certified the person.
        var tasks = person.VisitTasks.ToList();
        foreach (var deadline in history.Where(h => h.Event == HistoryEvents.VisitTask).Select(h => h.Deadline!.Value).Distinct())
        {
            if (!tasks.Any(t => t.Deadline == deadline)) tasks.Add(new VisitTask(deadline, person.Region, now));
        }
        var lastWarning = _policy.WarningDaysBefore.Min();
        foreach (var deadline in history.Where(h => h.Event == HistoryEvents.Warned && h.DaysBefore == lastWarning).Select(h => h.Deadline!.Value).Distinct())
        {
            var index = tasks.FindIndex(t => t.Deadline == deadline && t.IsOpen && !t.Escalated);
            if (index < 0) continue;
            tasks[index] = tasks[index] with { Escalated = true };
            history.Add(new HistoryEntry(now, HistoryEvents.VisitEscalated, "deadline", "visit-escalate-after-last-warning", Deadline: deadline));
        }
        return person with { Programmes = programmes, History = person.History.AddRange(history), VisitTasks = [.. tasks] };
    }

    /// <summary>The next instant at which <see cref="Evaluate"/> has something to do, or null when nothing can happen without evidence.</summary>
    public DateTimeOffset? NextActionAt(Beneficiary person)
    {
        if (person.DateOfDeath is not null)
        {
            return null;
        }
        DateOnly? next = null;
        foreach (var p in person.Programmes)
        {
            if (p.SuspendedFrom is not null) continue;
            foreach (var days in _policy.WarningDaysBefore.Where(d => !p.WarnedDaysBefore.Contains(d)))
            {
                next = Earliest(next, p.Deadline.AddDays(-days));
            }
            next = p.OverdueRecorded ? Earliest(next, SuspensionStart(p)) : Earliest(next, p.Deadline.AddDays(1));
        }
        return next is DateOnly date ? ChinaTime.StartOf(date) : null;
    }

    /// <summary>A programme's status: terminated and held apply to the person, and so to each programme (API.md).</summary>
    public CertificationStatus StatusOf(Beneficiary person, ProgrammeEnrolment p, DateOnly today)
    {
        if (person.DateOfDeath is not null) return CertificationStatus.Terminated;
        if (person.IsHeld) return CertificationStatus.Held;
        if (p.SuspendedFrom is DateOnly from && today >= from) return CertificationStatus.Suspended;
        if (today > p.Deadline) return CertificationStatus.Overdue;
        if (today >= p.Deadline.AddDays(-_policy.WarningWindowDays)) return CertificationStatus.Due;
        return CertificationStatus.Certified;
    }

    /// <summary>
    /// The person's status: terminated once a death is confirmed, held while an open case holds payments, otherwise the
    /// most severe of their programmes' (suspended > overdue > due > certified).
    /// </summary>
    public CertificationStatus StatusOf(Beneficiary person, DateOnly today) =>
        person.DateOfDeath is not null ? CertificationStatus.Terminated
        : person.IsHeld ? CertificationStatus.Held
        : person.Programmes.Select(p => StatusOf(person, p, today)).DefaultIfEmpty(CertificationStatus.Certified).Max();

    /// <summary>
    /// Rules 11 and 12: negative records never terminate anyone. The first opens a verification case, which holds every
    /// payment unless strong positive evidence was observed after the reported death date (then the case is conflicting
    /// and payments carry on); while a case is open, further negative records join it (one death, one case). A record
    /// already in a case changes nothing; after a confirmed death nothing does.
    /// </summary>
    public Beneficiary Report(Beneficiary person, IEnumerable<DeathReport> reports, DateTimeOffset now)
    {
        var ordered = reports.ToList();
        ordered.Sort(DeathReport.Compare);
        foreach (var report in ordered)
        {
            var record = new CaseRecord(report.Source, report.SourceRecordId);
            var cause = $"{report.Source}:{report.SourceRecordId}";
            if (person.DateOfDeath is not null || person.Cases.Any(c => c.Records.Contains(record)))
            {
                continue;
            }
            if (person.OpenCase is { } open)
            {
                person = WithCase(person, open with { Records = open.Records.Add(record) }, new HistoryEntry(now, HistoryEvents.CaseJoined, cause, "case-join-open-case"));
                continue;
            }
            // The case takes over from any visit task: a reviewer now finds out whether the person is alive.
            person = CloseVisitTasks(person, _ => true, now) with
            {
                Cases = person.Cases.Add(new VerificationCase(report.CaseId, report.ReportedDeathDate, now, [record])),
                History = person.History.Add(new HistoryEntry(now, HistoryEvents.CaseOpened, cause, "case-negative-evidence")),
            };
            person = person with
            {
                History = person.History.Add(person.IsHeld
                    ? new HistoryEntry(now, HistoryEvents.Held, cause, "hold-open-case")
                    : new HistoryEntry(now, HistoryEvents.Conflicting, person.LatestStrong!.Cause, "conflict-strong-evidence-after-death")),
            };
        }
        return person;
    }

    /// <summary>
    /// Rule 13: a reviewer decides an open case once. Confirmed (with the date of death): the case closes and entitlement
    /// ends with the month of death (<see cref="Terminate"/>). Refuted: the case closes and the hold is released, so the
    /// months it withheld are owed again (back-pay by <see cref="Payroll"/>); the source departments get a correction
    /// notice for each record of the case. The person is unchanged unless the result is <see cref="CaseDecisionResult.Decided"/>.
    /// </summary>
    public (Beneficiary Person, CaseDecisionResult Result) Decide(Beneficiary person, CaseDecision decision, DateTimeOffset now)
    {
        if (person.Cases.FirstOrDefault(c => c.CaseId == decision.CaseId) is not { } decided)
        {
            return (person, CaseDecisionResult.UnknownCase);
        }
        if (!decided.IsOpen)
        {
            return (person, CaseDecisionResult.AlreadyDecided);
        }
        if (decision.Outcome == CaseOutcome.Confirmed)
        {
            if (decision.DateOfDeath is not DateOnly died) return (person, CaseDecisionResult.DateOfDeathRequired);
            if (died > ChinaTime.DateOf(now)) return (person, CaseDecisionResult.DateOfDeathInFuture);
            if (died < person.BirthDate) return (person, CaseDecisionResult.DateOfDeathBeforeBirth);
        }
        var cause = $"reviewer:{decision.DecidedBy}";
        var closed = decided with
        {
            Outcome = decision.Outcome,
            ConfirmedDeathDate = decision.Outcome == CaseOutcome.Confirmed ? decision.DateOfDeath : null,
            DecidedBy = decision.DecidedBy,
            DecidedAt = now,
            Note = decision.Note,
        };
        if (decision.Outcome == CaseOutcome.Confirmed)
        {
            var confirmed = WithCase(person, closed, new HistoryEntry(now, HistoryEvents.Confirmed, cause, "confirm-death", EffectiveFrom: decision.DateOfDeath));
            return (Terminate(confirmed, decision.DateOfDeath!.Value, cause, now), CaseDecisionResult.Decided);
        }
        var refuted = WithCase(person, closed, new HistoryEntry(now, HistoryEvents.Refuted, cause, "refute-data-error"));
        if (person.IsHeld)
        {
            refuted = refuted with { History = refuted.History.Add(new HistoryEntry(now, HistoryEvents.Released, cause, "release-back-pay")) };
        }
        return (refuted, CaseDecisionResult.Decided);
    }

    /// <summary>
    /// A door-to-door visit that found nobody (rule 8): it certifies nothing, the open task stays open and counts the
    /// visit, and the history records it. A visit counts once however often its record is applied (<paramref name="cause"/>
    /// names the record): a grain applies its logged records again after a crash.
    /// </summary>
    public Beneficiary VisitNotFound(Beneficiary person, string cause, DateTimeOffset now)
    {
        if (person.DateOfDeath is not null || person.History.Any(h => h.Event == HistoryEvents.VisitNotFound && h.Cause == cause))
        {
            return person;
        }
        return person with
        {
            VisitTasks = [.. person.VisitTasks.Select(t => t.IsOpen ? t with { NotFound = t.NotFound + 1 } : t)],
            History = person.History.Add(new HistoryEntry(now, HistoryEvents.VisitNotFound, cause, "visit-not-found-stays-open")),
        };
    }

    private static Beneficiary CloseVisitTasks(Beneficiary person, Func<VisitTask, bool> which, DateTimeOffset now) =>
        person.VisitTasks.Any(t => t.IsOpen && which(t))
            ? person with { VisitTasks = [.. person.VisitTasks.Select(t => t.IsOpen && which(t) ? t with { ClosedAt = now } : t)] }
            : person;

    private static Beneficiary WithCase(Beneficiary person, VerificationCase changed, HistoryEntry entry) => person with
    {
        Cases = [.. person.Cases.Select(c => c.CaseId == changed.CaseId ? changed : c)],
        History = person.History.Add(entry),
    };

    /// <summary>
    /// Rule 13, confirmed: entitlement to every programme ends with the month of <paramref name="dateOfDeath"/>. What was
    /// paid for later months is recovered and what was withheld up to it goes to the estate (both by <see cref="Payroll"/>,
    /// from the closed payrolls); later withheld months are cancelled. A confirmed death is final: confirming again changes
    /// nothing.
    /// </summary>
    public Beneficiary Terminate(Beneficiary person, DateOnly dateOfDeath, string cause, DateTimeOffset now)
    {
        if (person.DateOfDeath is not null)
        {
            return person;
        }
        var history = person.Programmes.Select(p => new HistoryEntry(now, HistoryEvents.Terminated, cause, "terminate-confirmed-death",
            p.Programme, p.Deadline, EffectiveFrom: YearMonth.Of(dateOfDeath).AddMonths(1).FirstDay));
        return CloseVisitTasks(person, _ => true, now) with { DateOfDeath = dateOfDeath, History = person.History.AddRange(history) };
    }

    /// <summary>
    /// Rule 9: suspension starts on the first day of the month after the deadline's month, or of a later month when the
    /// first warning for this deadline came less than the minimum number of days before that.
    /// </summary>
    public DateOnly SuspensionStart(ProgrammeEnrolment p)
    {
        var start = YearMonth.Of(p.Deadline).AddMonths(1).FirstDay;
        var warned = p.FirstWarnedOn ?? throw new InvalidOperationException("Nobody is suspended without a warning for the deadline.");
        while (warned > start.AddDays(-_policy.MinimumWarningDaysBeforeSuspension))
        {
            start = start.AddMonths(1);
        }
        return start;
    }

    private ProgrammeEnrolment Renew(Beneficiary person, ProgrammeEnrolment p, Observation observation, DateTimeOffset now,
        ImmutableArray<HistoryEntry>.Builder history)
    {
        var observedOn = observation.ObservedOn;
        var graded = _policy.IsGraded(person.BirthDate, person.Flags, observedOn);
        var cap = _programmes.TryGetValue(p.Programme, out var definition) ? definition.MaxPeriodMonths : null;
        var period = _policy.PeriodFor(observation.Strength, graded, cap);
        var deadline = observedOn.AddMonths(period.Months);
        if (deadline <= p.Deadline)
        {
            return p; // Rule 1: the deadline never moves backward.
        }
        history.Add(new HistoryEntry(now, HistoryEvents.Renewed, observation.Cause, period.Rule, p.Programme, deadline));
        var renewed = p with
        {
            Deadline = deadline, DeadlineStrength = observation.Strength, WarnedDaysBefore = [], FirstWarnedOn = null, OverdueRecorded = false,
        };
        if (p.SuspendedFrom is DateOnly from)
        {
            // Rule 10: certified again; every withheld month of this suspension is owed.
            history.Add(new HistoryEntry(now, HistoryEvents.Resumed, observation.Cause, "resume-back-pay", p.Programme, deadline, EffectiveFrom: from));
            renewed = renewed with
            {
                SuspendedFrom = null,
                PastSuspensions = p.PastSuspensions.Add(new SuspensionEpisode(from, ChinaTime.DateOf(now), observation.Cause)),
            };
        }
        return renewed;
    }

    private ProgrammeEnrolment EvaluateProgramme(Beneficiary person, ProgrammeEnrolment p, DateOnly today, DateTimeOffset now,
        ImmutableArray<HistoryEntry>.Builder history)
    {
        if (p.SuspendedFrom is not null)
        {
            return p; // Only evidence ends a suspension.
        }
        var entered = _policy.WarningDaysBefore
            .Where(days => today >= p.Deadline.AddDays(-days) && !p.WarnedDaysBefore.Contains(days))
            .ToList();
        if (entered.Count > 0)
        {
            // One warning for the closest offset reached; a late one (rule 8: "warned at once") stands for the earlier ones.
            var days = entered.Min();
            history.Add(new HistoryEntry(now, HistoryEvents.Warned, "deadline", $"warn-{days}d", p.Programme, p.Deadline, days));
            if (p.FirstWarnedOn is null && p.DeadlineStrength == Strength.Weak && person.OpenCase is null
                && _policy.IsKeyPopulation(person.BirthDate, person.Flags, today))
            {
                // Rule 8: no strong evidence in the period, and the person may not manage to certify alone: send staff.
                // Not while a case is open: a reviewer is already finding out whether the person is alive.
                history.Add(new HistoryEntry(now, HistoryEvents.VisitTask, "deadline", "visit-key-population-weak-evidence", p.Programme, p.Deadline));
            }
            p = p with { WarnedDaysBefore = p.WarnedDaysBefore.AddRange(entered).Sort(), FirstWarnedOn = p.FirstWarnedOn ?? today };
        }
        if (today <= p.Deadline)
        {
            return p;
        }
        if (!p.OverdueRecorded)
        {
            history.Add(new HistoryEntry(now, HistoryEvents.Overdue, "deadline", "overdue-after-deadline", p.Programme, p.Deadline));
            p = p with { OverdueRecorded = true };
        }
        var start = SuspensionStart(p);
        if (today < start)
        {
            return p;
        }
        var rule = start == YearMonth.Of(p.Deadline).AddMonths(1).FirstDay
            ? "suspend-next-month"
            : $"suspend-after-{_policy.MinimumWarningDaysBeforeSuspension}d-warning";
        history.Add(new HistoryEntry(now, HistoryEvents.Suspended, "deadline", rule, p.Programme, p.Deadline, EffectiveFrom: start));
        return p with { SuspendedFrom = start };
    }

    private static Observation Later(Observation? current, Observation candidate) =>
        current is null || Observation.Compare(candidate, current) > 0 ? candidate : current;

    private static DateOnly Earliest(DateOnly? a, DateOnly b) => a is DateOnly x && x < b ? x : b;
}
