namespace SilentCert.Tests.EndToEnd;

/// <summary>
/// Where the walk stops: every local midnight (when warnings, overdue and suspensions fall due), every instant
/// something arrives, and every instant the hand-worked table looks at. Acts at one instant run in script order, after
/// the clock has reached that instant.
/// </summary>
public static class Timeline
{
    public static readonly DateTimeOffset Start = When.At("2026-01-01T00:00");

    /// <summary>Fifteen months later.</summary>
    public static readonly DateTimeOffset End = When.At("2027-04-01T00:00");

    public static IReadOnlyList<DateTimeOffset> Stops(IEnumerable<Person> people)
    {
        var stops = new HashSet<DateTimeOffset>();
        for (var day = When.LocalDate(Start); When.Midnight(day) <= End; day = day.AddDays(1))
        {
            stops.Add(When.Midnight(day));
        }
        foreach (var person in people)
        {
            stops.UnionWith(person.Acts.Select(a => a.At));
            stops.UnionWith(person.Checks.Select(c => c.At));
        }
        return [.. stops.Where(s => s >= Start && s <= End).Order()];
    }

    /// <summary>The acts at each instant, in the order of the cast and of each person's script.</summary>
    public static ILookup<DateTimeOffset, (Person Person, Act Act)> Acts(IEnumerable<Person> people) =>
        people.SelectMany(p => p.Acts.Select(a => (Person: p, Act: a))).ToLookup(x => x.Act.At);

    public static ILookup<DateTimeOffset, (Person Person, HandCheck Check)> Checks(IEnumerable<Person> people) =>
        people.SelectMany(p => p.Checks.Select(c => (Person: p, Check: c))).ToLookup(x => x.Check.At);

    public static bool IsMonthStart(DateTimeOffset stop) =>
        stop == When.Midnight(When.LocalDate(stop)) && When.LocalDate(stop).Day == 1;

    /// <summary>Every record arriving at one instant, in cast order: one POST.</summary>
    public static List<(Person Person, EvidenceRecord Record)> Batch(IEnumerable<(Person Person, Act Act)> acts) =>
        [.. acts.Where(a => a.Act is SendAct).SelectMany(a => ((SendAct)a.Act).Records.Select(r => (a.Person, r)))];
}

/// <summary>Differences between what the rules say and what is seen, as lines a reader can act on.</summary>
public static class Differences
{
    /// <summary>One hand-worked expectation against a state.</summary>
    public static IEnumerable<string> Of(HandCheck check, PersonState state)
    {
        if (check.Programme is null && state.Status != check.Status)
        {
            yield return $"status is {state.Status}, expected {check.Status}";
        }
        if (check.StatusOnly)
        {
            yield break;
        }
        var programmes = check.Programme is null ? state.Programmes : state.Programmes.Where(p => p.Programme == check.Programme).ToList();
        if (programmes.Count == 0)
        {
            yield return $"has no programme {check.Programme ?? "at all"}";
        }
        foreach (var p in programmes)
        {
            var expected = new ProgrammeState(p.Programme, check.Status, check.Deadline!.Value, check.SuspendedFrom);
            if (expected != p)
            {
                yield return $"{p}, expected {expected}";
            }
        }
    }

    /// <summary>The hand-worked complete lists of warnings and resumptions against the state at the end.</summary>
    public static IEnumerable<string> OfFinal(Person person, PersonState state)
    {
        var programmes = person.Programmes.Order(StringComparer.Ordinal).ToList();
        if (person.FinalWarnings is { } warnings)
        {
            var expected = warnings.Select(w => new WarningNote(w.Deadline, w.DaysBefore, w.CreatedAt, [.. (w.Programmes ?? programmes).Order(StringComparer.Ordinal)]).ToString());
            foreach (var line in Of("warning", expected, state.Warnings.Select(w => w.ToString())))
            {
                yield return line;
            }
        }
        if (person.FinalResumptions is { } resumptions)
        {
            var expected = resumptions.SelectMany(r => (r.Programme is null ? programmes : new List<string> { r.Programme })
                .Select(p => new Decision("resumed", p, null, null, r.From, r.At).ToString()));
            foreach (var line in Of("resumption", expected, state.Decisions.Where(d => d.Event == "resumed").Select(d => d.ToString())))
            {
                yield return line;
            }
        }
    }

    /// <summary>A state from the model against the product's.</summary>
    public static IEnumerable<string> Of(PersonState expected, PersonState actual)
    {
        if (expected.Headline != actual.Headline)
        {
            yield return $"is {actual.Headline}; expected {expected.Headline}";
        }
        foreach (var line in Of("warning", expected.Warnings.Select(w => w.ToString()), actual.Warnings.Select(w => w.ToString())))
        {
            yield return line;
        }
        foreach (var line in Of("decision", expected.Decisions.Select(d => d.ToString()), actual.Decisions.Select(d => d.ToString())))
        {
            yield return line;
        }
    }

    /// <summary>Multiset difference, in both directions.</summary>
    public static IEnumerable<string> Of(string what, IEnumerable<string> expected, IEnumerable<string> actual)
    {
        var missing = expected.ToList();
        var unexpected = new List<string>();
        foreach (var item in actual)
        {
            if (!missing.Remove(item))
            {
                unexpected.Add(item);
            }
        }
        return missing.Order(StringComparer.Ordinal).Select(m => $"missing {what}: {m}")
            .Concat(unexpected.Order(StringComparer.Ordinal).Select(u => $"unexpected {what}: {u}"));
    }
}
