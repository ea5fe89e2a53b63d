using System.Text.Json;
using Orleans.Runtime;
using SilentCert.Contracts;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Grains;

// Proves that a beneficiary's state lives in PostgreSQL, not in memory: it survives deactivation and a silo restart,
// and whatever a crash interrupted (evidence logged but not applied, decisions not yet published) is repaired when the
// grain next wakes.
[Collection(GrainClusterCollection.Name)]
public sealed class PersistenceTests(GrainClusterFixture fixture)
{
    private async Task<(IBeneficiaryGrain Grain, IdNumber Id, DateOnly EnrolledOn)> EnrolAsync()
    {
        var id = People.NewIdNumber(new DateOnly(1961, 11, 23));
        var enrolledOn = People.Today(fixture.Clock).AddDays(-10);
        var grain = fixture.Grains.GetGrain<IBeneficiaryGrain>(People.Pseudonymizer.KeyOf(id));
        await grain.Enrol(People.Enrolment(id, enrolledOn));
        return (grain, id, enrolledOn);
    }

    private Task DeactivateAllAsync() =>
        fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private static string Json(BeneficiaryView? view) => JsonSerializer.Serialize(view);

    private async Task<long[]> LogAsync(string key, params (string Source, string RecordId, DateTimeOffset ObservedAt)[] records)
    {
        var seqs = await fixture.EvidenceLog.AppendAsync(
            [.. records.Select(r => new EvidenceRow(r.Source, r.RecordId, key, r.ObservedAt, null, null, false))],
            fixture.Clock.GetUtcNow());
        return [.. seqs.Select(s => s!.Value)];
    }

    [Fact]
    public async Task State_survives_deactivation_and_a_silo_restart()
    {
        var (grain, _, enrolledOn) = await EnrolAsync();
        var key = grain.GetPrimaryKeyString();
        var observed = ChinaTime.StartOf(enrolledOn.AddDays(3)).AddHours(9);
        var seqs = await LogAsync(key, ("medical-visit", $"M-{key[^8..]}", observed));
        await grain.ApplyEvidence([new EvidenceItem(seqs[0], "medical-visit", $"M-{key[^8..]}", observed)]);
        var before = await grain.GetView();
        // Rule 1: strong evidence three days after enrolment moves the deadline three days on.
        Assert.Equal(enrolledOn.AddDays(3).AddMonths(12), before!.Programmes.Single().Deadline);

        await DeactivateAllAsync();
        Assert.Equal(Json(before), Json(await grain.GetView()));

        await fixture.Cluster.RestartSiloAsync(fixture.Cluster.Primary!);
        await fixture.Cluster.WaitForLivenessToStabilizeAsync();
        Assert.Equal(Json(before), Json(await grain.GetView()));
    }

    [Fact]
    public async Task Evidence_logged_before_a_crash_is_applied_when_the_grain_next_wakes()
    {
        var (grain, _, enrolledOn) = await EnrolAsync();
        var key = grain.GetPrimaryKeyString();
        // The gateway stored the record, then died before calling the grain.
        var observed = ChinaTime.StartOf(enrolledOn.AddDays(5)).AddHours(14);
        await LogAsync(key, ("travel-realname", $"T-{key[^8..]}", observed));
        await DeactivateAllAsync();

        var view = await grain.GetView();
        Assert.Equal(enrolledOn.AddDays(5).AddMonths(12), view!.Programmes.Single().Deadline);
        Assert.Equal(("travel-realname", enrolledOn.AddDays(5)), (view.LastCertification!.Source, view.LastCertification.ObservedOn));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>(
            "select count(*) from evidence_log where person_key = $1 and not applied", key));
    }

    [Fact]
    public async Task A_death_record_logged_before_a_crash_opens_its_case_when_the_grain_next_wakes_and_is_decided_once()
    {
        var (grain, _, enrolledOn) = await EnrolAsync();
        var key = grain.GetPrimaryKeyString();
        // The gateway stored a death record (rule 11), then died before calling the grain.
        var observed = ChinaTime.StartOf(enrolledOn.AddDays(2)).AddHours(9);
        var seq = (await fixture.EvidenceLog.AppendAsync(
            [new EvidenceRow("death-health", $"H-{key[^8..]}", key, observed, null, enrolledOn.AddDays(1), true)], fixture.Clock.GetUtcNow()))[0]!.Value;
        await DeactivateAllAsync();

        // Rule 12: the case opens on wake and holds the person; its ID is the log position of the record that opened it.
        var view = await grain.GetView();
        Assert.Equal(("held", $"case-{seq}", enrolledOn.AddDays(1), false), (view!.Status, view.OpenCase!.CaseId, view.OpenCase.ReportedDeathDate, view.OpenCase.Conflicting));
        Assert.Equal(key, await fixture.Database.ScalarAsync<string>("select person_key from verification_case where case_id = $1", $"case-{seq}"));
        Assert.True(await fixture.Database.ScalarAsync<bool>("select held from enrolment_status where person_key = $1", key));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("select count(*) from evidence_log where person_key = $1 and not applied", key));

        // Rule 13: refuted once; the decision survives deactivation; a second decision is refused and changes nothing.
        Assert.Equal(CaseDecisionReply.Decided, await grain.DecideCase(new CaseDecisionCommand($"case-{seq}", false, null, "data error", "reviewer-1")));
        await DeactivateAllAsync();
        var decided = await grain.GetView();
        Assert.Equal(("certified", (CaseView?)null), (decided!.Status, decided.OpenCase));
        Assert.Equal(CaseDecisionReply.AlreadyDecided, await grain.DecideCase(new CaseDecisionCommand($"case-{seq}", true, enrolledOn, null, "reviewer-2")));
        Assert.Equal(Json(decided), Json(await grain.GetView()));
        Assert.Equal(("refuted", "reviewer-1"), (await fixture.Database.ScalarAsync<string>("select outcome from verification_case where case_id = $1", $"case-{seq}"),
            await fixture.Database.ScalarAsync<string>("select decided_by from verification_case where case_id = $1", $"case-{seq}")));
    }

    [Fact]
    public async Task The_read_model_and_outbox_converge_after_a_crash_between_grain_write_and_publication()
    {
        // Enrolled 11 months and 10 days ago: the deadline is 20 days away, so enrolment warns at once (rule 8).
        var id = People.NewIdNumber(new DateOnly(1958, 7, 14));
        var enrolledOn = People.Today(fixture.Clock).AddDays(20).AddMonths(-12);
        var key = People.Pseudonymizer.KeyOf(id);
        var grain = fixture.Grains.GetGrain<IBeneficiaryGrain>(key);
        await grain.Enrol(People.Enrolment(id, enrolledOn));
        Assert.Single(await fixture.ReadModel.NotificationsAsync(key));

        // The grain's state was written, then the node died before its rows reached the read model and the outbox.
        foreach (var table in new[] { "notification_outbox", "enrolment_status", "beneficiary" })
        {
            await fixture.Database.ScalarAsync<int>($"delete from {table} where person_key = $1", key);
        }
        await DeactivateAllAsync();
        await grain.GetView(); // any call wakes it

        Assert.Equal("due", await fixture.Database.ScalarAsync<string>("select status from beneficiary where person_key = $1", key));
        Assert.Equal(enrolledOn.AddMonths(12), await fixture.Database.ScalarAsync<DateOnly>("select deadline from enrolment_status where person_key = $1", key));
        var warning = Assert.Single(await fixture.ReadModel.NotificationsAsync(key));
        Assert.Equal(("warning", (int?)30), (warning.Kind, warning.DaysBefore));

        // Republishing again changes nothing: one row per decision.
        await DeactivateAllAsync();
        await grain.GetView();
        Assert.Single(await fixture.ReadModel.NotificationsAsync(key));
    }

    [Fact]
    public async Task A_person_counts_as_enrolled_once_their_state_is_written_even_before_the_read_model_is()
    {
        var (grain, _, _) = await EnrolAsync();
        var key = grain.GetPrimaryKeyString();
        // The state is written, the read model not yet (a crash, or evidence racing the enrolment's publication).
        await fixture.Database.ScalarAsync<int>("delete from enrolment_status where person_key = $1", key);
        await fixture.Database.ScalarAsync<int>("delete from beneficiary where person_key = $1", key);

        var nobody = People.Pseudonymizer.KeyOf(People.NewIdNumber(new DateOnly(1970, 1, 1)));
        Assert.Equal([key], await fixture.ReadModel.EnrolledAmongAsync([key, nobody]));
    }

    [Fact]
    public async Task State_is_stored_as_plain_json_under_the_ben_key()
    {
        var (grain, id, _) = await EnrolAsync();
        var key = grain.GetPrimaryKeyString();
        Assert.StartsWith("ben-", key);
        var payload = await fixture.Database.ScalarAsync<string>(
            "select convert_from(payload, 'UTF8') from orleans_grain_state where grain_key = $1 and state_name = 'beneficiary'", key);
        Assert.NotNull(payload);
        Assert.DoesNotContain("$type", payload);
        Assert.Contains(id.Masked, payload);
        Assert.DoesNotContain(id.Value, payload);
    }
}
