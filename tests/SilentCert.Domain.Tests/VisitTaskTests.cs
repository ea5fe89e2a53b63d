using SilentCert.Domain;

namespace SilentCert.Domain.Tests;

// Rule 8: key-population people whose deadline rests on weak evidence get one door-to-door visit task, with the first
// warning for that deadline; nobody else does.
public sealed class VisitTaskTests
{
    private readonly CertificationRules _rules = Programmes.Rules();

    private string[] VisitTasks(Beneficiary person) =>
        [.. person.History.Where(h => h.Event == HistoryEvents.VisitTask).Select(HistoryText.Describe)];

    // Enrolled 2025-06-01 (strong, standard: + 12 = 2026-06-01); weak evidence of 2026-01-10 for a standard person:
    // + 6 = 2026-07-10, beyond 2026-06-01, so the deadline rests on weak evidence. 30 days before: 2026-06-10.
    private Beneficiary WeakDeadline(DateOnly birthDate, params string[] flags)
    {
        var person = _rules.Enrol(Cst.Date(2025, 6, 1), birthDate: birthDate, flags: flags);
        return _rules.Apply(person, [Evidence.Weak("u1", Cst.At(2026, 1, 10, 9), "utility-payment")], Cst.At(2026, 1, 11, 9));
    }

    [Theory]
    [InlineData(PersonFlags.Disabled)]
    [InlineData(PersonFlags.EmptyNest)]
    [InlineData(PersonFlags.ElderlyCare)]
    public void A_flagged_person_whose_deadline_rests_on_weak_evidence_gets_one_visit_task_with_the_first_warning(string flag)
    {
        // Disabled, empty-nest and elderly-care keep the standard periods (rule 3) but are key population.
        var person = WeakDeadline(new DateOnly(1960, 5, 5), flag);
        Assert.Equal(Cst.Date(2026, 7, 10), person.Programme().Deadline);

        var warnedTwice = _rules.EvaluateAt(person, Cst.Midnight(Cst.Date(2026, 6, 10)), Cst.Midnight(Cst.Date(2026, 7, 3)));

        Assert.Equal(["visit-task pension-employee deadline=2026-07-10"], VisitTasks(warnedTwice));
        var task = warnedTwice.History.Single(h => h.Event == HistoryEvents.VisitTask);
        Assert.Equal(Cst.Midnight(Cst.Date(2026, 6, 10)), task.At);
    }

    [Fact]
    public void The_very_old_are_key_population_without_a_flag()
    {
        // Born 1945-06-01: 80 on 2025-06-01, so graded: enrolment + 6 = 2025-12-01; weak evidence 2026-01-10 + 3 = 2026-04-10.
        var person = _rules.Enrol(Cst.Date(2025, 6, 1), birthDate: new DateOnly(1945, 6, 1));
        person = _rules.Apply(person, [Evidence.Weak("u1", Cst.At(2026, 1, 10, 9), "utility-payment")], Cst.At(2026, 1, 11, 9));
        Assert.Equal(Cst.Date(2026, 4, 10), person.Programme().Deadline);

        // 2026-04-10 − 30 days = 2026-03-11.
        var warned = _rules.Evaluate(person, Cst.Midnight(Cst.Date(2026, 3, 11)));

        Assert.Equal(["visit-task pension-employee deadline=2026-04-10"], VisitTasks(warned));
    }

    [Fact]
    public void Nobody_gets_a_visit_task_when_under_80_and_unflagged()
    {
        var person = WeakDeadline(new DateOnly(1960, 5, 5));

        var warned = _rules.EvaluateAt(person, Cst.Midnight(Cst.Date(2026, 6, 10)), Cst.Midnight(Cst.Date(2026, 7, 3)));

        Assert.Equal(2, warned.History.Count(h => h.Event == HistoryEvents.Warned));
        Assert.Empty(VisitTasks(warned));
    }

    [Fact]
    public void A_key_population_person_whose_deadline_rests_on_strong_evidence_gets_no_visit_task()
    {
        // Bedridden, so graded: enrolment 2025-06-01 (strong) + 6 = 2025-12-01; medical visit 2026-01-10 + 6 = 2026-07-10.
        var person = _rules.Enrol(Cst.Date(2025, 6, 1), birthDate: new DateOnly(1960, 5, 5), flags: [PersonFlags.Bedridden]);
        person = _rules.Apply(person, [Evidence.Strong("m1", Cst.At(2026, 1, 10, 9), "medical-visit")], Cst.At(2026, 1, 11, 9));
        Assert.Equal(Cst.Date(2026, 7, 10), person.Programme().Deadline);

        var warned = _rules.Evaluate(person, Cst.Midnight(Cst.Date(2026, 6, 10)));

        Assert.Single(warned.History, h => h.Event == HistoryEvents.Warned);
        Assert.Empty(VisitTasks(warned));
    }

    // A disabled person (key population, standard periods) whose deadline 2026-07-10 rests on weak evidence: the task is
    // opened with the 30-day warning on 2026-06-10.
    private Beneficiary WithOpenTask()
    {
        var person = _rules.Evaluate(WeakDeadline(new DateOnly(1960, 5, 5), PersonFlags.Disabled), Cst.Midnight(Cst.Date(2026, 6, 10)));
        var task = Assert.Single(person.VisitTasks);
        Assert.Equal((Cst.Date(2026, 7, 10), "340102", Cst.Midnight(Cst.Date(2026, 6, 10)), true, false, 0),
            (task.Deadline, task.Region, task.CreatedAt, task.IsOpen, task.Escalated, task.NotFound));
        return person;
    }

    [Fact]
    public void A_visit_that_finds_nobody_leaves_the_task_open_and_the_last_warning_escalates_it()
    {
        var person = WithOpenTask();

        var notFound = _rules.VisitNotFound(person, "door-to-door:V-1", Cst.At(2026, 6, 20, 15));
        // 2026-07-10 − 7 days = 2026-07-03: the last warning, with the task still open.
        var escalated = _rules.Evaluate(notFound, Cst.Midnight(Cst.Date(2026, 7, 3)));

        Assert.Equal(["visit-not-found"], HistoryText.Added(person, notFound));
        Assert.Equal("visit-not-found-stays-open", notFound.History[^1].Rule);
        Assert.Equal(["warned pension-employee deadline=2026-07-10 days=7", "visit-escalated deadline=2026-07-10"], HistoryText.Added(notFound, escalated));
        var task = Assert.Single(escalated.VisitTasks);
        Assert.Equal((true, true, 1), (task.IsOpen, task.Escalated, task.NotFound));
        Assert.Equal(Cst.Date(2026, 7, 10), escalated.Programme().Deadline);
    }

    [Fact]
    public void The_same_visit_applied_again_counts_once_and_another_visit_counts_too()
    {
        var person = WithOpenTask();
        var once = _rules.VisitNotFound(person, "door-to-door:V-1", Cst.At(2026, 6, 20, 15));

        // A grain applies its logged records again after a crash: the same record changes nothing.
        Assert.Same(once, _rules.VisitNotFound(once, "door-to-door:V-1", Cst.At(2026, 6, 21, 9)));
        var another = _rules.VisitNotFound(once, "door-to-door:V-4", Cst.At(2026, 6, 22, 15));
        Assert.Equal(2, Assert.Single(another.VisitTasks).NotFound);
        Assert.Equal(["visit-not-found"], HistoryText.Added(once, another));
    }

    [Fact]
    public void A_visit_that_sees_the_person_certifies_strongly_and_closes_the_task()
    {
        var person = WithOpenTask();

        var seen = _rules.Apply(person, [Evidence.Strong("V-2", Cst.At(2026, 6, 20, 15), "door-to-door")], Cst.At(2026, 6, 20, 16));

        // Strong, standard: 2026-06-20 + 12 months.
        Assert.Equal(Cst.Date(2027, 6, 20), seen.Programme().Deadline);
        Assert.Equal(Cst.At(2026, 6, 20, 16), Assert.Single(seen.VisitTasks).ClosedAt);
    }

    [Fact]
    public void A_visit_told_of_a_death_opens_a_case_which_takes_over_from_the_task()
    {
        var person = WithOpenTask();

        var reported = _rules.Report(person, [new DeathReport("case-5", "door-to-door", "V-3", Cst.At(2026, 6, 20, 15), Cst.Date(2026, 6, 1))], Cst.At(2026, 6, 20, 16));

        Assert.Equal(["case-opened", "held"], HistoryText.Added(person, reported));
        Assert.Equal(Cst.At(2026, 6, 20, 16), Assert.Single(reported.VisitTasks).ClosedAt);
    }

    [Fact]
    public void No_visit_task_is_opened_while_a_case_is_open()
    {
        // A death record before the first warning: the reviewer's case, not a visit, finds out whether the person is alive.
        var person = _rules.Report(WeakDeadline(new DateOnly(1960, 5, 5), PersonFlags.Disabled),
            [new DeathReport("case-6", "death-health", "H-6", Cst.At(2026, 6, 1, 9), Cst.Date(2026, 5, 30))], Cst.At(2026, 6, 1, 10));

        var warned = _rules.Evaluate(person, Cst.Midnight(Cst.Date(2026, 6, 10)));

        Assert.Equal(["warned pension-employee deadline=2026-07-10 days=30"], HistoryText.Added(person, warned));
        Assert.Empty(warned.VisitTasks);
    }
}
