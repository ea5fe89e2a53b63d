using System.Text.Json;
using Orleans.Serialization;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Tests.Grains;

// Proves that grain state already stored in PostgreSQL keeps loading and working as the state type grows: a sample
// stored by this version, and the same sample as an older version wrote it (without later fields).
public sealed class StoredStateTests
{
    /// <summary>Written by BeneficiaryGrain in November 2026 for a synthetic person: age 82, disabled, warned late, overdue.</summary>
    private const string StoredNov2026 = """
        {"person":{"maskedIdNumber":"340104********5175","birthDate":"1944-02-03","name":"\u6D4B\u8BD5\u4EBA\u5458","region":"340104","phone":"13800000000","flags":["disabled"],"enrolledOn":"2025-11-02","programmes":[{"programme":"pension-employee","monthlyAmount":3200.00,"startMonth":"2025-11","deadline":"2026-05-02","warnedDaysBefore":[7,30],"firstWarnedOn":"2026-06-02","overdueRecorded":true,"pastSuspensions":[],"deadlineStrength":"strong"}],"latestStrong":{"source":"enrolment","sourceRecordId":"2025-11-02","observedAt":"2025-11-02T00:00:00+08:00","strength":"strong"},"latestWeak":{"source":"vaccination","sourceRecordId":"V-1","observedAt":"2026-01-02T00:00:00+08:00","strength":"weak"},"history":[{"at":"2026-06-02T00:00:00+08:00","event":"enrolled","cause":"enrolment:2025-11-02","rule":"enrolment-in-person"},{"at":"2026-06-02T00:00:00+08:00","event":"renewed","cause":"enrolment:2025-11-02","rule":"graded-strong-6m","programme":"pension-employee","deadline":"2026-05-02"},{"at":"2026-06-02T00:00:00+08:00","event":"warned","cause":"deadline","rule":"warn-7d","programme":"pension-employee","deadline":"2026-05-02","daysBefore":7},{"at":"2026-06-02T00:00:00+08:00","event":"overdue","cause":"deadline","rule":"overdue-after-deadline","programme":"pension-employee","deadline":"2026-05-02"}]},"wakeAt":"2026-06-30T00:00:00+08:00"}
        """;

    /// <summary>The same person as stored before pastSuspensions and deadlineStrength existed.</summary>
    private const string StoredBeforeSuspensionHistory = """
        {"person":{"maskedIdNumber":"340104********5175","birthDate":"1944-02-03","name":"\u6D4B\u8BD5\u4EBA\u5458","region":"340104","phone":"13800000000","flags":["disabled"],"enrolledOn":"2025-11-02","programmes":[{"programme":"pension-employee","monthlyAmount":3200.00,"startMonth":"2025-11","deadline":"2026-05-02","warnedDaysBefore":[7,30],"firstWarnedOn":"2026-06-02","overdueRecorded":true}],"latestStrong":{"source":"enrolment","sourceRecordId":"2025-11-02","observedAt":"2025-11-02T00:00:00+08:00","strength":"strong"},"latestWeak":{"source":"vaccination","sourceRecordId":"V-1","observedAt":"2026-01-02T00:00:00+08:00","strength":"weak"},"history":[{"at":"2026-06-02T00:00:00+08:00","event":"enrolled","cause":"enrolment:2025-11-02","rule":"enrolment-in-person"},{"at":"2026-06-02T00:00:00+08:00","event":"renewed","cause":"enrolment:2025-11-02","rule":"graded-strong-6m","programme":"pension-employee","deadline":"2026-05-02"},{"at":"2026-06-02T00:00:00+08:00","event":"warned","cause":"deadline","rule":"warn-7d","programme":"pension-employee","deadline":"2026-05-02","daysBefore":7},{"at":"2026-06-02T00:00:00+08:00","event":"overdue","cause":"deadline","rule":"overdue-after-deadline","programme":"pension-employee","deadline":"2026-05-02"}]},"wakeAt":"2026-06-30T00:00:00+08:00"}
        """;

    private static readonly CertificationRules Rules = new(CertificationPolicy.Default,
        [new ProgrammeDefinition("pension-employee", "human-resources-social-security", "城镇职工基本养老保险")]);

    private static Beneficiary Load(string json)
    {
        // Exactly the serializer the node's storage provider uses.
        var options = new SystemTextJsonGrainStorageSerializerOptions();
        StateJson.Configure(options.JsonSerializerOptions);
        return JsonSerializer.Deserialize<BeneficiaryState>(json, options.JsonSerializerOptions)!.Person!;
    }

    [Theory]
    [InlineData(StoredNov2026)]
    [InlineData(StoredBeforeSuspensionHistory)]
    public void Stored_state_loads_and_goes_on_through_suspension_and_resumption(string json)
    {
        var person = Load(json);
        Assert.Equal(("340104********5175", new DateOnly(2026, 5, 2)), (person.MaskedIdNumber, person.Programmes.Single().Deadline));

        // Rule 9: first warned 2026-06-02, after the deadline; 2026-06-01 is less than 7 days after it, so 2026-07-01.
        var suspended = Rules.Evaluate(person, new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(new DateOnly(2026, 7, 1), suspended.Programmes.Single().SuspendedFrom);

        // Rule 10 and 3: a face check on 2026-07-10 at age 82 certifies for 6 months, to 2027-01-10, and ends the suspension.
        var face = new Observation("face-selfservice", "F-1", new DateTimeOffset(2026, 7, 10, 9, 0, 0, TimeSpan.FromHours(8)), Strength.Strong);
        var resumed = Rules.Apply(suspended, [face], new DateTimeOffset(2026, 7, 10, 10, 0, 0, TimeSpan.FromHours(8))).Programmes.Single();
        Assert.Equal((new DateOnly(2027, 1, 10), (DateOnly?)null), (resumed.Deadline, resumed.SuspendedFrom));
        Assert.Equal(new SuspensionEpisode(new DateOnly(2026, 7, 1), new DateOnly(2026, 7, 10), "face-selfservice:F-1"), Assert.Single(resumed.PastSuspensions));
    }
}
