namespace SilentCert.Tests.EndToEnd;

/// <summary>What one evidence POST should answer.</summary>
public sealed record BatchOutcome(int Accepted, int Duplicates, int UnknownPersons, IReadOnlyList<int> RejectedIndexes)
{
    public override string ToString() =>
        $"accepted={Accepted} duplicates={Duplicates} unknownPersons={UnknownPersons} rejected=[{string.Join(",", RejectedIndexes)}]";
}

/// <summary>A visit task the rules call for (rule 8), or forbid: <see cref="Expected"/> false means none for this deadline.</summary>
public sealed record VisitTaskExpectation(string Person, DateOnly Deadline, DateTimeOffset FirstWarnedAt, bool Expected, string Why);

/// <summary>
/// The rules of DOMAIN.md 1-10 on dates only, written to be read against the rules line by line. It knows nothing of
/// the product: it is told what happens (enrolments, evidence arriving, the clock passing local midnights) and says
/// what every person's status, deadlines, suspensions, warnings and decisions must then be. Where DOMAIN.md leaves a
/// choice open it follows the choices documented in CertificationRules.cs, each named where it is used.
/// </summary>
public sealed class ExpectationModel(IReadOnlyDictionary<string, int> programmeCaps)
{
    // The source table of DOMAIN.md.
    private static readonly HashSet<string> StrongSources =
        ["face-selfservice", "door-to-door", "counter-visit", "travel-realname", "medical-visit", "cross-region-assist", "national-push"];

    private static readonly HashSet<string> WeakSources = ["vaccination", "bank-counter", "utility-payment", "community-report"];

    // Rule 3: the key-population flags that shorten the period; disabled and empty-nest keep the standard periods.
    private static readonly HashSet<string> GradedFlags = ["bedridden", "incapacitated", "major-illness"];

    // Rule 8: warnings 30 and 7 days before the deadline; status "due" from the first of them.
    private static readonly int[] WarningDaysBefore = [30, 7];
    private const int WarningWindowDays = 30;

    // Rule 9: nobody is suspended without a warning at least 7 days before the suspension takes effect.
    private const int MinimumWarningDays = 7;

    private const int GradedFromAge = 80;

    // API.md: a person is as severe as their worst programme (suspended > overdue > due > certified).
    private static readonly string[] Severity = ["certified", "due", "overdue", "suspended", "held"];

    private readonly Dictionary<string, PersonModel> _people = new(StringComparer.Ordinal);
    private readonly HashSet<(string Source, string RecordId)> _stored = [];
    private readonly List<VisitTaskExpectation> _visitTasks = [];

    public bool IsEnrolled(string code) => _people.ContainsKey(code);

    public IReadOnlyList<VisitTaskExpectation> VisitTasks => _visitTasks;

    /// <summary>Enrols or updates a person (rule 5); returns true when the person is new (201, not 200).</summary>
    public bool Enrol(Person person, EnrolAct act)
    {
        var created = !_people.TryGetValue(person.Code, out var model);
        model ??= _people[person.Code] = new PersonModel(person.Code, person.BirthDate);
        if (act.Flags is not null)
        {
            model.Flags = [.. act.Flags];
        }
        foreach (var code in act.Programmes.Where(c => model.Programmes.All(p => p.Code != c)))
        {
            // Rule 4 (互认复用): a programme joined later is served by the evidence already known of the person.
            // Documented choice: the product keeps only the latest strong and latest weak observation for this; the
            // script adds programmes late only where that and "all evidence known" agree.
            var added = new ProgrammeModel(code);
            foreach (var known in model.Known)
            {
                var deadline = known.Date.AddMonths(Period(model, code, known));
                if (deadline > added.Deadline)
                {
                    added.Deadline = deadline;
                    added.SetByStrong = known.Strong;
                }
            }
            model.Programmes.Add(added);
        }
        // Rule 5: enrolment is an in-person act, strong evidence on the enrolment date.
        Apply(model, [new Observation(act.EnrolledOn, When.Midnight(act.EnrolledOn), Strong: true, "enrolment", "enrolment")], act.At);
        return created;
    }

    /// <summary>Evidence arriving at <paramref name="now"/>, in the order sent.</summary>
    public BatchOutcome Receive(DateTimeOffset now, IReadOnlyList<(Person Person, EvidenceRecord Record)> batch)
    {
        int accepted = 0, duplicates = 0, unknown = 0;
        var rejected = new List<int>();
        var byPerson = new Dictionary<PersonModel, List<Observation>>();
        for (var i = 0; i < batch.Count; i++)
        {
            var (person, record) = batch[i];
            if (record.RejectedBecause is not null)
            {
                rejected.Add(i);
                continue;
            }
            if (!_people.TryGetValue(person.Code, out var model))
            {
                unknown++; // Not stored: sent again after enrolment, it counts as new.
                continue;
            }
            // Rule 6: the same (source, sourceRecordId) counts once, whatever else the second copy says.
            if (!_stored.Add((record.Source, record.RecordId)))
            {
                duplicates++;
                continue;
            }
            accepted++;
            if (StrongSources.Contains(record.Source) || WeakSources.Contains(record.Source))
            {
                var observedAt = When.At(record.ObservedAt);
                var observation = new Observation(When.LocalDate(observedAt), observedAt, StrongSources.Contains(record.Source), record.Source, record.RecordId);
                (byPerson.TryGetValue(model, out var list) ? list : byPerson[model] = []).Add(observation);
            }
            else if (record.DeathDate is not null)
            {
                // Rules 11-12: a negative record opens a case if none is open (later ones join it); nothing is decided here.
                model.OpenCaseReportedDeath ??= DateOnly.ParseExact(record.DeathDate, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        foreach (var (model, observations) in byPerson)
        {
            Apply(model, observations, now);
        }
        return new BatchOutcome(accepted, duplicates, unknown, rejected);
    }

    /// <summary>Everything due by <paramref name="now"/> for everyone: what the due sweep does at each local midnight.</summary>
    public void Evaluate(DateTimeOffset now)
    {
        foreach (var model in _people.Values)
        {
            Evaluate(model, now);
        }
    }

    public PersonState StateOf(string code, DateTimeOffset now)
    {
        var model = _people[code];
        var today = When.LocalDate(now);
        // Rule 12: an open case holds the person and every programme, unless strong evidence came after the reported death.
        var held = model.OpenCaseReportedDeath is DateOnly reported && !model.Known.Any(o => o.Strong && o.Date > reported);
        var programmes = model.Programmes.Select(p => new ProgrammeState(p.Code, held ? "held" : StatusOf(p, today), p.Deadline, p.SuspendedFrom)).ToList();
        var status = held ? Severity.Length - 1 : programmes.Select(p => Array.IndexOf(Severity, p.Status)).DefaultIfEmpty(0).Max();
        // Rule 1: the start rolls to the latest certification, whatever its strength (strong first on the same instant).
        var last = model.Known.OrderByDescending(o => o.At).ThenByDescending(o => o.Strong).FirstOrDefault();
        var lastText = last is null ? "-" : $"{last.Source} {When.Text(last.Date)} {(last.Strong ? "strong" : "weak")}";
        return new PersonState(Severity[status], lastText, programmes, [.. model.Warnings.Values], [.. model.Decisions], []);
    }

    private static string StatusOf(ProgrammeModel p, DateOnly today)
    {
        if (p.SuspendedFrom is DateOnly from && today >= from) return "suspended";
        if (today > p.Deadline) return "overdue";
        if (today >= p.Deadline.AddDays(-WarningWindowDays)) return "due";
        return "certified";
    }

    /// <summary>Rules 1-4 and 6 for every programme, then 10, then what is due at once (rule 8).</summary>
    private void Apply(PersonModel model, List<Observation> observations, DateTimeOffset now)
    {
        // Rule 6: evidence is applied by when it was observed, not when or in which order it arrived.
        foreach (var observation in observations.OrderBy(o => o.At).ThenBy(o => o.RecordId, StringComparer.Ordinal))
        {
            model.Known.Add(observation);
            foreach (var p in model.Programmes)
            {
                // Rule 1: d + P, and the deadline never moves backward.
                var deadline = observation.Date.AddMonths(Period(model, p.Code, observation));
                if (deadline <= p.Deadline)
                {
                    continue; // Documented choice: evidence that does not move the deadline changes nothing, even for a suspended person.
                }
                p.Deadline = deadline;
                p.SetByStrong = observation.Strong;
                p.Warned.Clear();
                p.FirstWarnedOn = null;
                p.OverdueRecorded = false;
                if (p.SuspendedFrom is DateOnly from)
                {
                    // Rule 10: certified again, payments resume.
                    model.Decisions.Add(new Decision("resumed", p.Code, null, null, from, now));
                    p.SuspendedFrom = null;
                }
            }
        }
        Evaluate(model, now);
    }

    /// <summary>Rules 2-4: the period in months for one observation, person and programme.</summary>
    private int Period(PersonModel model, string programme, Observation observation)
    {
        var graded = AgeOn(model.BirthDate, observation.Date) >= GradedFromAge || model.Flags.Overlaps(GradedFlags);
        var months = (observation.Strong, graded) switch
        {
            (true, false) => 12,
            (false, false) => 6,
            (true, true) => 6,
            (false, true) => 3,
        };
        return programmeCaps.TryGetValue(programme, out var cap) && cap < months ? cap : months;
    }

    private static int AgeOn(DateOnly birth, DateOnly date)
    {
        var age = date.Year - birth.Year;
        return date.Month < birth.Month || (date.Month == birth.Month && date.Day < birth.Day) ? age - 1 : age;
    }

    /// <summary>Rules 8 and 9 at <paramref name="now"/>.</summary>
    private void Evaluate(PersonModel model, DateTimeOffset now)
    {
        var today = When.LocalDate(now);
        var warnings = new List<(ProgrammeModel Programme, int Days)>();
        foreach (var p in model.Programmes.Where(p => p.SuspendedFrom is null))
        {
            // Rule 8: a warning 30 and 7 days before; one entered late is given at once with the smallest offset
            // reached and stands for the earlier ones (documented choice).
            var reached = WarningDaysBefore.Where(days => today >= p.Deadline.AddDays(-days) && !p.Warned.Contains(days)).ToList();
            if (reached.Count > 0)
            {
                var days = reached.Min();
                model.Decisions.Add(new Decision("warned", p.Code, p.Deadline, days, null, now));
                warnings.Add((p, days));
                p.Warned.UnionWith(reached);
                p.FirstWarnedOn ??= today;
            }
            if (today <= p.Deadline)
            {
                continue;
            }
            // Rule 9: overdue the day after the deadline ...
            if (!p.OverdueRecorded)
            {
                model.Decisions.Add(new Decision("overdue", p.Code, p.Deadline, null, null, now));
                p.OverdueRecorded = true;
            }
            // ... suspended from the first day of the month after the deadline's month, or of a later month when the
            // first warning for this deadline came less than 7 days before that.
            var start = new DateOnly(p.Deadline.Year, p.Deadline.Month, 1).AddMonths(1);
            while (p.FirstWarnedOn > start.AddDays(-MinimumWarningDays))
            {
                start = start.AddMonths(1);
            }
            if (today >= start)
            {
                model.Decisions.Add(new Decision("suspended", p.Code, p.Deadline, null, start, now));
                p.SuspendedFrom = start;
            }
        }
        // One message per deadline and offset, naming every programme warned for it (the person is told once).
        foreach (var group in warnings.GroupBy(w => (w.Programme.Deadline, w.Days)))
        {
            if (model.Warnings.ContainsKey(group.Key))
            {
                continue;
            }
            var programmes = group.Select(w => w.Programme.Code).Order(StringComparer.Ordinal).ToList();
            model.Warnings[group.Key] = new WarningNote(group.Key.Deadline, group.Key.Days, now, programmes);
            NoteVisitTask(model, group.Key.Deadline, now, group.Select(w => w.Programme).ToList());
        }
    }

    /// <summary>
    /// Rule 8: key-population people without strong evidence in the period also get a door-to-door visit task. Only the
    /// cases every reading agrees on are kept: people flagged bedridden, incapacitated or seriously ill whose deadline
    /// rests on weak evidence (a visit task), or on strong evidence (none). The very old without a flag, and the
    /// disabled and empty-nest, are left out: whether rule 8 counts them as key population is not settled.
    /// </summary>
    private void NoteVisitTask(PersonModel model, DateOnly deadline, DateTimeOffset now, List<ProgrammeModel> programmes)
    {
        if (model.Flags.Overlaps(GradedFlags) && model.Warnings.Keys.Count(k => k.Deadline == deadline) == 1)
        {
            var weakOnly = programmes.All(p => !p.SetByStrong);
            var strongOnly = programmes.All(p => p.SetByStrong);
            if (weakOnly || strongOnly)
            {
                _visitTasks.Add(new VisitTaskExpectation(model.Code, deadline, now, weakOnly,
                    weakOnly ? "flagged key population, deadline set by weak evidence" : "deadline set by strong evidence"));
            }
        }
        else if (model.Flags.Count == 0 && AgeOn(model.BirthDate, deadline) < GradedFromAge && model.Warnings.Keys.Count(k => k.Deadline == deadline) == 1)
        {
            _visitTasks.Add(new VisitTaskExpectation(model.Code, deadline, now, false, "no key-population flag, under 80"));
        }
    }

    private sealed record Observation(DateOnly Date, DateTimeOffset At, bool Strong, string Source, string RecordId);

    private sealed class PersonModel(string code, DateOnly birthDate)
    {
        public string Code { get; } = code;

        public DateOnly BirthDate { get; } = birthDate;

        public HashSet<string> Flags { get; set; } = [];

        public List<ProgrammeModel> Programmes { get; } = [];

        public List<Observation> Known { get; } = [];

        public List<Decision> Decisions { get; } = [];

        /// <summary>The reported date of death of the open verification case; no case is decided in this walk.</summary>
        public DateOnly? OpenCaseReportedDeath { get; set; }

        public Dictionary<(DateOnly Deadline, int Days), WarningNote> Warnings { get; } = [];
    }

    private sealed class ProgrammeModel(string code)
    {
        public string Code { get; } = code;

        /// <summary>The last day still certified; none yet before the first evidence.</summary>
        public DateOnly Deadline { get; set; } = DateOnly.MinValue;

        public bool SetByStrong { get; set; }

        public HashSet<int> Warned { get; } = [];

        public DateOnly? FirstWarnedOn { get; set; }

        public bool OverdueRecorded { get; set; }

        public DateOnly? SuspendedFrom { get; set; }
    }
}
