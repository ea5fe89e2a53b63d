namespace SilentCert.Domain.Tests;

// Proves that the default source catalogue is the table of DOMAIN.md and that enrolment is always strong, in-person evidence (rule 5).
public sealed class SourceCatalogueTests
{
    [Theory]
    [InlineData("face-selfservice", EvidenceKind.Positive, Strength.Strong, Channel.SelfService)]
    [InlineData("door-to-door", EvidenceKind.Positive, Strength.Strong, Channel.DoorToDoor)]
    [InlineData("counter-visit", EvidenceKind.Positive, Strength.Strong, Channel.InPerson)]
    [InlineData("travel-realname", EvidenceKind.Positive, Strength.Strong, Channel.DataMatch)]
    [InlineData("medical-visit", EvidenceKind.Positive, Strength.Strong, Channel.DataMatch)]
    [InlineData("cross-region-assist", EvidenceKind.Positive, Strength.Strong, Channel.DataMatch)]
    [InlineData("national-push", EvidenceKind.Positive, Strength.Strong, Channel.DataMatch)]
    [InlineData("vaccination", EvidenceKind.Positive, Strength.Weak, Channel.DataMatch)]
    [InlineData("bank-counter", EvidenceKind.Positive, Strength.Weak, Channel.DataMatch)]
    [InlineData("utility-payment", EvidenceKind.Positive, Strength.Weak, Channel.DataMatch)]
    [InlineData("community-report", EvidenceKind.Positive, Strength.Weak, Channel.DataMatch)]
    [InlineData("enrolment", EvidenceKind.Positive, Strength.Strong, Channel.InPerson)]
    public void Default_catalogue_gives_each_positive_source_its_kind_and_strength(string code, EvidenceKind kind, Strength strength, Channel channel)
    {
        Assert.True(SourceCatalogue.Default.TryGet(code, out var source));
        Assert.Equal(new SourceDefinition(code, kind, strength, channel), source);
    }

    [Theory]
    [InlineData("death-civil-affairs")]
    [InlineData("death-health")]
    [InlineData("deregistration-police")]
    public void Default_catalogue_marks_death_and_deregistration_sources_negative_without_strength(string code)
    {
        Assert.True(SourceCatalogue.Default.TryGet(code, out var source));
        Assert.Equal(EvidenceKind.Negative, source.Kind);
        Assert.Null(source.Strength);
    }

    [Fact]
    public void Default_catalogue_has_exactly_the_sources_of_the_table_and_enrolment()
    {
        Assert.Equal(15, SourceCatalogue.Default.All.Count()); // 7 strong, 4 weak, 3 negative, enrolment
        Assert.False(SourceCatalogue.Default.TryGet("unknown", out _));
    }

    [Fact]
    public void A_province_catalogue_always_has_enrolment_as_strong_in_person_evidence()
    {
        var catalogue = new SourceCatalogue(
        [
            SourceDefinition.Positive("face-selfservice", Strength.Strong, Channel.SelfService),
            SourceDefinition.Positive(SourceCatalogue.EnrolmentSource, Strength.Weak, Channel.DataMatch), // configured wrongly
        ]);

        Assert.True(catalogue.TryGet(SourceCatalogue.EnrolmentSource, out var enrolment));
        Assert.Equal(SourceDefinition.Positive(SourceCatalogue.EnrolmentSource, Strength.Strong, Channel.InPerson), enrolment);
    }

    [Fact]
    public void A_positive_source_without_a_strength_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new SourceCatalogue([new SourceDefinition("pension-office-push", EvidenceKind.Positive, null, Channel.DataMatch)]));

        Assert.Contains("pension-office-push", error.Message);
    }
}
