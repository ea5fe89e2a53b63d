using System.Collections.Immutable;
using SilentCert.Contracts;
using SilentCert.Domain;

namespace SilentCert.Tests.Infrastructure;

/// <summary>Synthetic people: valid ID numbers nobody holds, keyed with the tests' pseudonym key.</summary>
public static class People
{
    private static int _sequence;

    public static Pseudonymizer Pseudonymizer { get; } = new(Convert.FromBase64String(TestConfiguration.PseudonymKey));

    /// <summary>A fresh person born on <paramref name="birthDate"/> in Hefei's Yaohai district (340102).</summary>
    public static IdNumber NewIdNumber(DateOnly birthDate, string region = "340102") =>
        IdNumber.Compose(region, birthDate, Interlocked.Increment(ref _sequence) % 1000);

    public static EnrolCommand Enrolment(IdNumber id, DateOnly enrolledOn, string programme = "pension-employee", decimal amount = 3200.00m, string[]? flags = null) =>
        new(id.Masked, id.BirthDate, "测试人员", id.Region, "13800000000", flags is null ? null : [.. flags],
            [new EnrolmentItem(programme, amount, YearMonth.Of(enrolledOn).FirstDay)], enrolledOn);

    public static DateOnly Today(TimeProvider clock) => ChinaTime.DateOf(clock.GetUtcNow());

    public static string[] Events(BeneficiaryView view) => [.. view.History.Select(h => h.Event)];
}
