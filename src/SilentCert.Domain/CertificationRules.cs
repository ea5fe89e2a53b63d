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
            var added = new ProgrammeEnrolment(line.Programme, line.MonthlyAmount, line.StartMonth, DateOnly.MinValue, [], null, false, null)
            {
                EndsWith = person.DateOfDeath is DateOnly died ? YearMonth.Of(died) : null,
            };
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
        return history.Count == 0 ? person : person with { Programmes = programmes, History = person.History.AddRange(history) };
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

    public CertificationStatus StatusOf(ProgrammeEnrolment p, DateOnly today)
    {
        if (p.EndsWith is not null) return CertificationStatus.Terminated;
        if (p.SuspendedFrom is DateOnly from && today >= from) return CertificationStatus.Suspended;
        if (today > p.Deadline) return CertificationStatus.Overdue;
        if (today >= p.Deadline.AddDays(-_policy.WarningWindowDays)) return CertificationStatus.Due;
        return CertificationStatus.Certified;
    }

    /// <summary>
    /// The person's status: terminated once a death is confirmed, otherwise the most severe of their programmes'
    /// (suspended > overdue > due > certified).
    /// </summary>
    public CertificationStatus StatusOf(Beneficiary person, DateOnly today) =>
        person.DateOfDeath is not null
            ? CertificationStatus.Terminated
            : person.Programmes.Select(p => StatusOf(p, today)).DefaultIfEmpty(CertificationStatus.Certified).Max();

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
        var endsWith = YearMonth.Of(dateOfDeath);
        var history = person.Programmes.Select(p => new HistoryEntry(now, HistoryEvents.Terminated, cause, "terminate-confirmed-death",
            p.Programme, p.Deadline, EffectiveFrom: endsWith.AddMonths(1).FirstDay));
        return person with
        {
            DateOfDeath = dateOfDeath,
            Programmes = [.. person.Programmes.Select(p => p with { EndsWith = endsWith })],
            History = person.History.AddRange(history),
        };
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
            if (p.FirstWarnedOn is null && p.DeadlineStrength == Strength.Weak && _policy.IsKeyPopulation(person.BirthDate, person.Flags, today))
            {
                // Rule 8: no strong evidence in the period, and the person may not manage to certify alone: send staff.
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
