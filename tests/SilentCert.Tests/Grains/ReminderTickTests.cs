using SilentCert.Contracts;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Grains;

// Proves that the one 'wake' reminder, ticking on fake time in PostgreSQL, carries out rules 8 and 9 by itself, and
// that duplicate and late ticks are harmless.
[Collection(GrainClusterCollection.Name)]
public sealed class ReminderTickTests(GrainClusterFixture fixture)
{
    private IBeneficiaryGrain Enrolled(out IdNumber id, out DateOnly deadline, int deadlineInDays = 35)
    {
        var today = People.Today(fixture.Clock);
        // Rule 5 and 2: enrolment is strong evidence, so the deadline is enrolledOn + 12 months.
        var enrolledOn = today.AddDays(deadlineInDays).AddMonths(-12);
        deadline = enrolledOn.AddMonths(12);
        id = People.NewIdNumber(new DateOnly(1955, 3, 9));
        var grain = fixture.Grains.GetGrain<IBeneficiaryGrain>(People.Pseudonymizer.KeyOf(id));
        grain.Enrol(People.Enrolment(id, enrolledOn)).GetAwaiter().GetResult();
        return grain;
    }

    private void MoveTo(DateOnly date) => fixture.Clock.SetUtcNow(ChinaTime.StartOf(date));

    private Task<BeneficiaryView> ViewWhen(IBeneficiaryGrain grain, Func<BeneficiaryView, bool> done, string what) =>
        Eventually.Until(async () => (await grain.GetView())!, done, what, nudge: () => fixture.Clock.Advance(TimeSpan.FromSeconds(1)));

    [Fact]
    public async Task A_real_tick_warns_30_and_7_days_ahead_then_marks_overdue_then_suspends_from_the_next_month()
    {
        var grain = Enrolled(out _, out var deadline);
        var key = grain.GetPrimaryKeyString();
        Assert.Equal(["enrolled", "renewed"], People.Events((await grain.GetView())!));

        var warn30 = deadline.AddDays(-30);
        MoveTo(warn30);
        var view = await ViewWhen(grain, v => v.History.Any(h => h.Event == "warned"), "the 30-day warning");
        var warning = Assert.Single(view.History, h => h.Event == "warned");
        Assert.Equal((30, deadline, warn30), (warning.DaysBefore!.Value, warning.Deadline!.Value, ChinaTime.DateOf(warning.At)));
        Assert.Equal("due", view.Status);
        var outbox = await fixture.ReadModel.NotificationsAsync(key);
        Assert.Equal([("warning", (int?)30, (DateOnly?)deadline)], outbox.Select(n => (n.Kind, n.DaysBefore, n.Deadline)));

        MoveTo(deadline.AddDays(-7));
        view = await ViewWhen(grain, v => v.History.Count(h => h.Event == "warned") == 2, "the 7-day warning");
        Assert.Equal(7, view.History.Last(h => h.Event == "warned").DaysBefore);

        MoveTo(deadline.AddDays(1));
        view = await ViewWhen(grain, v => v.History.Any(h => h.Event == "overdue"), "overdue the day after the deadline");
        Assert.Equal("overdue", view.Status);

        // Rule 9: warned 30 days ahead, so suspended from the first day of the month after the deadline's month.
        var suspendFrom = YearMonth.Of(deadline).AddMonths(1).FirstDay;
        MoveTo(suspendFrom);
        view = await ViewWhen(grain, v => v.History.Any(h => h.Event == "suspended"), "month-end suspension");
        Assert.Equal("suspended", view.Status);
        var programme = Assert.Single(view.Programmes);
        Assert.Equal(suspendFrom, programme.SuspendedFrom);
        Assert.Equal("suspend-next-month", view.History.Single(h => h.Event == "suspended").Rule);

        // A duplicate tick (Orleans may deliver one twice) changes nothing.
        var before = view.History.Length;
        await grain.Evaluate();
        await grain.Evaluate();
        Assert.Equal(before, (await grain.GetView())!.History.Length);
        // Two warnings and the department push of the suspension: nothing more from the repeated ticks.
        Assert.Equal(["warning", "warning", "department-push"], (await fixture.ReadModel.NotificationsAsync(key)).Select(n => n.Kind));
    }

    [Fact]
    public async Task A_late_tick_catches_up_in_one_evaluation_and_delays_suspension_until_warned_7_days_ahead()
    {
        var grain = Enrolled(out _, out var deadline);
        // The node was down: the clock jumps past the warnings, the deadline and the month end in one go. Orleans
        // skips missed ticks; the one tick that comes must do everything due.
        var firstOfNextMonth = YearMonth.Of(deadline).AddMonths(1).FirstDay;
        var lateDay = firstOfNextMonth.AddDays(1);
        MoveTo(lateDay);
        var view = await ViewWhen(grain, v => v.History.Any(h => h.Event == "overdue"), "the late tick");

        // One warning for the closest offset reached (rule 8: warned at once), then overdue. Not suspended: the first
        // warning came on lateDay, less than 7 days before firstOfNextMonth, so suspension moves a month on (rule 9).
        var decided = view.History.Where(h => ChinaTime.DateOf(h.At) == lateDay).Select(h => (h.Event, h.DaysBefore)).ToList();
        Assert.Equal([("warned", (int?)7), ("overdue", null)], decided);
        Assert.Null(view.Programmes.Single().SuspendedFrom);

        var nextMonth = firstOfNextMonth.AddMonths(1);
        MoveTo(nextMonth);
        view = await ViewWhen(grain, v => v.History.Any(h => h.Event == "suspended"), "the delayed suspension");
        Assert.Equal(nextMonth, view.Programmes.Single().SuspendedFrom);
        Assert.Equal("suspend-after-7d-warning", view.History.Single(h => h.Event == "suspended").Rule);
    }
}
