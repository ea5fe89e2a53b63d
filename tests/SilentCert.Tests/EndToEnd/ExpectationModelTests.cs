namespace SilentCert.Tests.EndToEnd;

// Proves the end-to-end test's own yardstick: the expectation model agrees with every number worked out by hand, and the cast covers rules 1-10.
public sealed class ExpectationModelTests
{
    [Fact]
    public void The_expectation_model_agrees_with_every_hand_worked_expectation()
    {
        var people = Cast.Everyone();
        var model = new ExpectationModel(Cast.ProgrammeCaps);
        var acts = Timeline.Acts(people);
        var checks = Timeline.Checks(people);
        var disagreements = new List<string>();
        foreach (var stop in Timeline.Stops(people))
        {
            model.Evaluate(stop);
            foreach (var (person, act) in acts[stop].Where(a => a.Act is EnrolAct))
            {
                model.Enrol(person, (EnrolAct)act);
            }
            var batch = Timeline.Batch(acts[stop]);
            if (batch.Count > 0)
            {
                model.Receive(stop, batch);
            }
            foreach (var (person, check) in checks[stop])
            {
                disagreements.AddRange(Differences.Of(check, model.StateOf(person.Code, stop)).Select(d => $"[{When.Text(stop)}] {person.Code}: {d}"));
            }
        }
        foreach (var person in people)
        {
            disagreements.AddRange(Differences.OfFinal(person, model.StateOf(person.Code, Timeline.End)).Select(d => $"[end] {person.Code}: {d}"));
        }

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    [Fact]
    public void The_three_orders_of_the_same_evidence_give_the_same_expectations_rule_6()
    {
        var people = Cast.Everyone();
        var model = new ExpectationModel(Cast.ProgrammeCaps);
        var acts = Timeline.Acts(people);
        foreach (var stop in Timeline.Stops(people))
        {
            model.Evaluate(stop);
            foreach (var (person, act) in acts[stop].Where(a => a.Act is EnrolAct))
            {
                model.Enrol(person, (EnrolAct)act);
            }
            var batch = Timeline.Batch(acts[stop]);
            if (batch.Count > 0)
            {
                model.Receive(stop, batch);
            }
        }
        var a = model.StateOf("R6a-chu", Timeline.End);
        foreach (var other in new[] { "R6b-chu", "R6c-chu" })
        {
            var state = model.StateOf(other, Timeline.End);
            Assert.Equal(a.Headline, state.Headline);
            Assert.Equal(a.Warnings.Select(w => w.ToString()), state.Warnings.Select(w => w.ToString()));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    public void Each_rule_is_exercised_by_hand_worked_people(int rule)
    {
        var exercising = Cast.Everyone()
            .Where(p => p.FinalWarnings is not null)
            .Where(p => System.Text.RegularExpressions.Regex.IsMatch(p.Exercises, $@"\b{rule}\b"))
            .ToList();

        Assert.True(exercising.Count >= 2, $"rule {rule} is exercised by {exercising.Count} hand-worked people");
    }
}
