using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SilentCert.Contracts;
using SilentCert.Domain;
using SilentCert.Gateway.Hosting;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Grains;

// Proves that a write failing in the middle of a reminder tick loses no decision: the reminder survives a failed state
// write, and a decision persisted but not published is published by the repair sweep.
[Collection(GrainClusterCollection.Name)]
public sealed class FailureRecoveryTests(GrainClusterFixture fixture)
{
    private async Task<(IBeneficiaryGrain Grain, string Key, DateOnly Deadline)> EnrolAsync()
    {
        var id = People.NewIdNumber(new DateOnly(1957, 9, 30));
        var enrolledOn = People.Today(fixture.Clock).AddDays(35).AddMonths(-12);
        var key = People.Pseudonymizer.KeyOf(id);
        var grain = fixture.Grains.GetGrain<IBeneficiaryGrain>(key);
        await grain.Enrol(People.Enrolment(id, enrolledOn));
        return (grain, key, enrolledOn.AddMonths(12));
    }

    /// <summary>Makes every write of <paramref name="table"/> about this person fail until the returned action runs.</summary>
    private async Task<Func<Task>> BreakWritesAsync(string table, string keyColumn, string key)
    {
        var name = "fail_" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Database.ScalarAsync<int>($"""
            create function {name}() returns trigger language plpgsql as $$
            begin
              if new.{keyColumn} = '{key}' then raise exception 'injected failure'; end if;
              return new;
            end $$;
            create trigger {name} before insert or update on {table} for each row execute function {name}();
            """);
        return () => fixture.Database.ScalarAsync<int>($"drop trigger {name} on {table}; drop function {name}();");
    }

    private void MoveTo(DateTimeOffset instant) => fixture.Clock.SetUtcNow(instant);

    private Task<string?> StoredStateAsync(string key) => fixture.Database.ScalarAsync<string>(
        "select convert_from(payload, 'UTF8') from orleans_grain_state where grain_key = $1 and state_name = 'beneficiary'", key);

    [Fact]
    public async Task A_warning_persisted_but_not_published_is_published_by_the_repair_sweep()
    {
        var (_, key, deadline) = await EnrolAsync();
        var repair = new RepairSweep(fixture.Grains, fixture.EvidenceLog, fixture.ReadModel,
            Options.Create(new RepairSweep.Options()), fixture.Clock, fixture.Clock, NullLogger<RepairSweep>.Instance);
        var restore = await BreakWritesAsync("notification_outbox", "person_key", key);

        // The tick at deadline − 30 days writes the warning to the grain state, then fails to publish it.
        MoveTo(ChinaTime.StartOf(deadline.AddDays(-30)));
        await Eventually.Until(() => StoredStateAsync(key), s => s!.Contains("\"warned\""), "the warning in the grain state",
            nudge: () => fixture.Clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.Empty(await fixture.ReadModel.NotificationsAsync(key));
        await restore();

        // Nothing else would wake this person before the 7-day warning; the sweep steps in once the action is 5 minutes late.
        MoveTo(ChinaTime.StartOf(deadline.AddDays(-30)).AddMinutes(10));
        Assert.True(await repair.RunOnceAsync(CancellationToken.None) >= 1);

        var warning = Assert.Single(await fixture.ReadModel.NotificationsAsync(key));
        Assert.Equal(("warning", (int?)30, (DateOnly?)deadline), (warning.Kind, warning.DaysBefore, warning.Deadline));
        Assert.Equal("due", await fixture.Database.ScalarAsync<string>("select status from beneficiary where person_key = $1", key));
    }

    [Fact]
    public async Task A_suspension_whose_state_write_failed_is_retried_by_the_surviving_reminder()
    {
        var (grain, key, deadline) = await EnrolAsync();
        MoveTo(ChinaTime.StartOf(deadline.AddDays(1)));
        await Eventually.Until(async () => (await grain.GetView())!, v => v.History.Any(h => h.Event == "overdue"), "overdue",
            nudge: () => fixture.Clock.Advance(TimeSpan.FromSeconds(1)));

        // At the month end the only programme is suspended, so no wake is needed any more; but the write fails.
        var restore = await BreakWritesAsync("orleans_grain_state", "grain_key", key);
        var suspendFrom = YearMonth.Of(deadline).AddMonths(1).FirstDay;
        MoveTo(ChinaTime.StartOf(suspendFrom));
        await Eventually.Until(() => fixture.Database.ScalarAsync<DateTime>(
                "select start_time from orleans_reminder where grain_id like '%' || $1", key),
            start => start >= ChinaTime.StartOf(suspendFrom).UtcDateTime, "the failed tick",
            nudge: () => fixture.Clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain("\"suspended\"", await StoredStateAsync(key));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("select count(*) from orleans_reminder where grain_id like '%' || $1", key));
        await restore();

        // The reminder's retry period brings the tick back within the hour, and this time the suspension sticks.
        MoveTo(ChinaTime.StartOf(suspendFrom).AddHours(1).AddMinutes(1));
        var view = await Eventually.Until(async () => (await grain.GetView())!, v => v.Status == "suspended", "the retried suspension",
            nudge: () => fixture.Clock.Advance(TimeSpan.FromSeconds(1)));
        Assert.Equal(suspendFrom, view.Programmes.Single().SuspendedFrom);
        Assert.Contains("\"suspended\"", await StoredStateAsync(key));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("select count(*) from orleans_reminder where grain_id like '%' || $1", key));
    }
}
