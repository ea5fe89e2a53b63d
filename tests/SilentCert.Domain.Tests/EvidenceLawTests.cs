using CsCheck;

namespace SilentCert.Domain.Tests;

// Proves the laws of rules 1, 6 and 8-9 over random people and evidence: order and duplicates do not matter, deadlines only move forward to the max of d + P, and nothing happens between NextActionAt instants.
public sealed class EvidenceLawTests
{
    private const int Iterations = 400;

    private static readonly CertificationRules Rules = Programmes.Rules();

    private static readonly ProgrammeDefinition[] Enrolled =
        [Programmes.PensionDefinition, Programmes.ElderlyAllowanceDefinition, Programmes.DisabilitySubsidyDefinition];

    private static readonly SourceDefinition[] PositiveSources =
    [
        .. SourceCatalogue.Default.All
            .Where(s => s.Kind == EvidenceKind.Positive && s.Code != SourceCatalogue.EnrolmentSource)
            .OrderBy(s => s.Code, StringComparer.Ordinal),
    ];

    private static readonly string[] GradingFlags = [PersonFlags.Bedridden, PersonFlags.Incapacitated, PersonFlags.MajorIllness];

    /// <summary>A person, the distinct records that may be sent about them, and what happens, in order.</summary>
    private sealed record Scenario(DateOnly BirthDate, string[] Flags, DateOnly EnrolledOn, Observation[] Pool, Step[] Steps)
    {
        public override string ToString() =>
            $"born {BirthDate}, flags [{string.Join(',', Flags)}], enrolled {EnrolledOn}; pool: "
            + string.Join("; ", Pool.Select(o => $"{o.Cause} {o.ObservedAt:O} {o.Strength}"))
            + "; steps: " + string.Join("; ", Steps.Select(s => s.ToString()));
    }

    /// <summary>Either a batch of records (indexes into the pool, repeats allowed) or an evaluation, after a delay.</summary>
    private sealed record Step(bool IsApply, int[] Picks, int DelayHours)
    {
        public override string ToString() => IsApply ? $"apply [{string.Join(',', Picks)}] +{DelayHours}h" : $"evaluate +{DelayHours}h";
    }

    // Half the people cross their 80th birthday somewhere in the window (born 1945-1947), half are younger.
    private static readonly Gen<DateOnly> GenBirthDate = Gen.OneOf<DateOnly>(
        Gen.Int[0, 3 * 365].Select(d => new DateOnly(1945, 1, 1).AddDays(d)),
        Gen.Int[0, 40 * 365].Select(d => new DateOnly(1950, 1, 1).AddDays(d)));

    private static readonly Gen<string[]> GenFlags = Gen.Frequency(
        (3, (IGen<int>)Gen.Const(0)),
        (1, Gen.Int[0, (1 << PersonFlags.All.Count) - 1]))
        .Select(mask => PersonFlags.All.Where((_, i) => (mask & (1 << i)) != 0).ToArray());

    private static Gen<Observation[]> GenPool(DateOnly enrolledOn, int firstDay, int lastDay) =>
        Gen.Select(Gen.Int[0, PositiveSources.Length - 1], Gen.Int[firstDay, lastDay], Gen.OneOf(0, 9, 23), Gen.Bool)
            .Array[1, 10]
            .Select(records => records
                .Select((r, i) =>
                {
                    var (sourceIndex, day, hour, inUtc) = r;
                    var source = PositiveSources[sourceIndex];
                    var observedAt = Cst.Midnight(enrolledOn.AddDays(day)).AddHours(hour);
                    // Some sources send UTC: the same instant, a different offset.
                    return new Observation(source.Code, $"r{i}", inUtc ? observedAt.ToUniversalTime() : observedAt, source.Strength!.Value);
                })
                .ToArray());

    private static Gen<Step[]> GenSteps(int poolSize, int maxSteps) =>
        Gen.Select(Gen.Frequency((2, true), (1, false)), Gen.Int[0, poolSize - 1].Array[1, 5], Gen.Int[0, 24 * 120],
                (isApply, picks, delay) => new Step(isApply, picks, delay))
            .Array[0, maxSteps];

    private static Gen<Scenario> GenScenario(int maxSteps, int firstDay = -200, int lastDay = 700) =>
        from birth in GenBirthDate
        from flags in GenFlags
        from enrolledDay in Gen.Int[0, 365]
        let enrolledOn = new DateOnly(2026, 1, 1).AddDays(enrolledDay)
        from pool in GenPool(enrolledOn, firstDay, lastDay)
        from steps in GenSteps(pool.Length, maxSteps)
        select new Scenario(birth, flags, enrolledOn, pool, steps);

    /// <summary>Enrols, then runs each step at non-decreasing instants; a batch arrives after all its records were observed.</summary>
    private static List<(Beneficiary Person, DateTimeOffset At)> Run(Scenario scenario)
    {
        var now = Cst.Midnight(scenario.EnrolledOn).AddHours(10);
        var request = People.Request(scenario.EnrolledOn, scenario.BirthDate, scenario.Flags, [.. Enrolled.Select(p => p.Code)]);
        var person = Rules.Enrol(null, request, now);
        var states = new List<(Beneficiary, DateTimeOffset)> { (person, now) };
        foreach (var step in scenario.Steps)
        {
            if (step.IsApply)
            {
                var batch = step.Picks.Select(i => scenario.Pool[i]).ToArray();
                now = Later(now, batch.Max(o => o.ObservedAt)).AddHours(step.DelayHours);
                person = Rules.Apply(person, batch, now);
            }
            else
            {
                now = now.AddHours(step.DelayHours);
                person = Rules.Evaluate(person, now);
            }
            states.Add((person, now));
        }
        return states;
    }

    [Fact]
    public void Any_permutation_of_a_batch_applied_at_one_instant_gives_the_same_state_rule_6()
    {
        // A narrow window (30 days, hours 0, 9 or 23) makes records observed at the same instant common.
        var gen =
            from scenario in GenScenario(maxSteps: 4, firstDay: -10, lastDay: 20)
            from batch in Gen.Int[0, scenario.Pool.Length - 1].Array[1, 8]
            from keys in Gen.Int.Array[8]
            from delay in Gen.Int[0, 24 * 400]
            select (scenario, batch, keys, delay);

        gen.Sample((scenario, picks, keys, delay) =>
        {
            var (person, at) = Run(scenario)[^1];
            var batch = picks.Select(i => scenario.Pool[i]).ToArray();
            var permuted = batch.Select((o, i) => (o, key: keys[i])).OrderBy(x => x.key).Select(x => x.o).ToArray();
            var reversed = Enumerable.Reverse(batch).ToArray();
            var now = Later(at, batch.Max(o => o.ObservedAt)).AddHours(delay);

            var expected = StateJson.Of(Rules.Apply(person, batch, now));
            Assert.Equal(expected, StateJson.Of(Rules.Apply(person, permuted, now)));
            Assert.Equal(expected, StateJson.Of(Rules.Apply(person, reversed, now)));
        }, iter: Iterations, print: t => t.ToString());
    }

    [Fact]
    public void Applying_a_record_again_changes_nothing_rule_6()
    {
        var gen =
            from scenario in GenScenario(maxSteps: 6)
            from delay in Gen.Int[0, 24 * 400]
            select (scenario, delay);

        gen.Sample((scenario, delay) =>
        {
            var (person, at) = Run(scenario)[^1];
            var applied = Applied(scenario).Distinct().ToArray();
            var later = at.AddHours(delay);
            var evaluatedLater = StateJson.Of(Rules.Evaluate(person, later));

            foreach (var record in applied)
            {
                // At the same instant nothing at all changes; later, only what the clock alone would do.
                Assert.Equal(StateJson.Of(person), StateJson.Of(Rules.Apply(person, [record], at)));
                Assert.Equal(evaluatedLater, StateJson.Of(Rules.Apply(person, [record], later)));
            }
            // A whole batch sent twice in one call counts once.
            Assert.Equal(
                StateJson.Of(Rules.Apply(person, scenario.Pool, later)),
                StateJson.Of(Rules.Apply(person, [.. scenario.Pool, .. Enumerable.Reverse(scenario.Pool)], later)));
        }, iter: Iterations, print: t => t.ToString());
    }

    [Fact]
    public void The_deadline_of_every_programme_never_decreases_rule_1()
    {
        GenScenario(maxSteps: 10).Sample(scenario =>
        {
            var states = Run(scenario);
            for (var i = 1; i < states.Count; i++)
            {
                foreach (var programme in Enrolled)
                {
                    var before = states[i - 1].Person.Programme(programme.Code).Deadline;
                    var after = states[i].Person.Programme(programme.Code).Deadline;
                    Assert.True(after >= before, $"{programme.Code}: {before} -> {after} at step {i}");
                }
            }
        }, iter: Iterations, print: s => s.ToString());
    }

    [Fact]
    public void Each_deadline_is_the_max_of_observed_date_plus_period_over_all_distinct_evidence_rules_1_to_5()
    {
        GenScenario(maxSteps: 10).Sample(scenario =>
        {
            var (person, _) = Run(scenario)[^1];
            // The enrolment is strong evidence on the enrolment date (rule 5).
            var evidence = Applied(scenario).Distinct()
                .Select(o => (On: LocalDate(o.ObservedAt), o.Strength))
                .Append((On: scenario.EnrolledOn, Strength: Strength.Strong))
                .ToArray();

            foreach (var programme in Enrolled)
            {
                var expected = evidence.Max(e => e.On.AddMonths(ExpectedMonths(e.Strength, e.On, scenario, programme)));
                Assert.Equal(expected, person.Programme(programme.Code).Deadline);
            }
        }, iter: Iterations, print: s => s.ToString());
    }

    [Fact]
    public void Nothing_happens_before_NextActionAt_and_something_happens_at_it_rules_8_and_9()
    {
        GenScenario(maxSteps: 8).Sample(scenario =>
        {
            foreach (var (person, at) in Run(scenario))
            {
                // Evaluating again at the same instant is a no-op.
                Assert.Equal(StateJson.Of(person), StateJson.Of(Rules.Evaluate(person, at)));

                var next = Rules.NextActionAt(person);
                if (next is null)
                {
                    Assert.All(person.Programmes, p => Assert.NotNull(p.SuspendedFrom));
                    Assert.Equal(StateJson.Of(person), StateJson.Of(Rules.Evaluate(person, at.AddYears(5))));
                    continue;
                }
                Assert.True(next > at, $"next action {next:O} is not after {at:O}");
                Assert.Equal(TimeSpan.FromHours(8), next.Value.Offset);
                Assert.Equal(TimeSpan.Zero, next.Value.TimeOfDay); // local midnight
                Assert.Equal(person.History.Length, Rules.Evaluate(person, next.Value.AddTicks(-1)).History.Length);
                Assert.True(Rules.Evaluate(person, next.Value).History.Length > person.History.Length);
            }
        }, iter: Iterations, print: s => s.ToString());
    }

    [Fact]
    public void A_suspension_always_follows_a_warning_at_least_7_days_earlier_for_the_same_deadline_rule_9()
    {
        GenScenario(maxSteps: 10).Sample(scenario =>
        {
            var (person, _) = Run(scenario)[^1];
            foreach (var suspended in person.History.Where(e => e.Event == HistoryEvents.Suspended))
            {
                var from = suspended.EffectiveFrom!.Value;
                Assert.Equal(1, from.Day);
                Assert.True(from > suspended.Deadline!.Value, "a suspension starts after the deadline's month");
                Assert.Contains(person.History, e =>
                    e.Event == HistoryEvents.Warned && e.Programme == suspended.Programme && e.Deadline == suspended.Deadline
                    && LocalDate(e.At).AddDays(7) <= from);
            }
        }, iter: Iterations, print: s => s.ToString());
    }

    // Every record sent in an Apply step.
    private static IEnumerable<Observation> Applied(Scenario scenario) =>
        scenario.Steps.Where(s => s.IsApply).SelectMany(s => s.Picks).Select(i => scenario.Pool[i]);

    // Rules 2-4 written out independently of CertificationPolicy.PeriodFor.
    private static int ExpectedMonths(Strength strength, DateOnly observedOn, Scenario scenario, ProgrammeDefinition programme)
    {
        var age = observedOn.Year - scenario.BirthDate.Year;
        if (observedOn.Month < scenario.BirthDate.Month || (observedOn.Month == scenario.BirthDate.Month && observedOn.Day < scenario.BirthDate.Day))
        {
            age--;
        }
        var graded = age >= 80 || scenario.Flags.Any(GradingFlags.Contains);
        var months = (strength, graded) switch
        {
            (Strength.Strong, false) => 12,
            (Strength.Weak, false) => 6,
            (Strength.Strong, true) => 6,
            _ => 3,
        };
        return programme.MaxPeriodMonths is int cap && cap < months ? cap : months;
    }

    private static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime.AddHours(8));

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
