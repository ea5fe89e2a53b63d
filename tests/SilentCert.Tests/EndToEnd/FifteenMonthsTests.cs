using System.Globalization;
using Xunit.Abstractions;

namespace SilentCert.Tests.EndToEnd;

// Proves DOMAIN.md rules 1-10 end to end: forty people driven over HTTP through fifteen months on the manual clock.
public sealed class FifteenMonthsTests(FifteenMonthsWalk walk, ITestOutputHelper output) : IClassFixture<FifteenMonthsWalk>
{
    [Fact]
    public void Every_status_deadline_suspension_warning_and_resumption_follows_rules_1_to_10_for_fifteen_months()
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{walk.People.Count} people, {walk.Stops} clock stops, {walk.EvidenceRecords} evidence records, {walk.Comparisons} comparisons, {walk.HandChecks} hand-worked checks, walk {walk.Elapsed.TotalSeconds:F1} s"));
        foreach (var person in walk.People.Where(p => p.FinalWarnings is not null))
        {
            output.WriteLine($"{person.Code,-10} {person.Exercises}");
        }

        Assert.Equal(walk.People.Count, walk.Final.Count); // everyone was enrolled and looked at on 2027-04-01
        Assert.Equal(walk.People.Sum(p => p.Checks.Count), walk.HandChecks); // no hand-worked check was skipped
        Assert.True(walk.DisagreementCount == 0,
            $"{walk.DisagreementCount} disagreements between the product and the rules (each shown once, first {walk.Disagreements.Count}):\n" +
            string.Join("\n", walk.Disagreements));
    }

    [Fact]
    public void Key_population_people_whose_deadline_rests_on_weak_evidence_get_a_visit_task_with_the_first_warning_rule_8()
    {
        Assert.True(walk.VisitTaskDisagreements.Count == 0,
            $"{walk.VisitTaskDisagreements.Count} disagreements with rule 8's door-to-door visit tasks:\n" + string.Join("\n", walk.VisitTaskDisagreements));
    }
}
