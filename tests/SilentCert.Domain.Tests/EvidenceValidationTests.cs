using SilentCert.Domain;

namespace SilentCert.Domain.Tests;

// Proves the checks every evidence record passes that protect personal data: no ID number in a record identifier.
public sealed class EvidenceValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.FromHours(8));

    // 340102195001011238: weighted sum of the first 17 digits 147, 147 mod 11 = 4 → check character '8'.
    private const string ValidId = "340102195001011238";

    private static (bool Ok, FieldError? Error) Validate(string recordId) =>
        (EvidenceValidation.TryValidate(new EvidenceInput("travel-realname", recordId, ValidId, "2026-05-31T10:00:00+08:00", null, null),
            SourceCatalogue.Default, Now, out _, out var error), error);

    [Theory]
    [InlineData("T-340102195001011238")]
    [InlineData("340102195001011238")]
    [InlineData("rail/2026/340102195001011238/7")]
    public void A_record_id_that_contains_an_ID_number_is_rejected_without_repeating_it(string recordId)
    {
        var (ok, error) = Validate(recordId);

        Assert.False(ok);
        Assert.Equal("sourceRecordId", error!.Field);
        Assert.DoesNotContain(ValidId, error.Message);
    }

    [Theory]
    [InlineData("T-123")]
    [InlineData("340102195001011230")] // 18 digits, but the check character should be 8: not an ID number
    [InlineData("2026053112345678901234")]
    public void Ordinary_record_ids_are_accepted(string recordId) => Assert.True(Validate(recordId).Ok);

    [Theory]
    [InlineData("H\u001f9")]
    [InlineData("T-1\n")]
    [InlineData("T\t1")]
    public void A_record_id_with_a_control_character_is_rejected(string recordId)
    {
        var (ok, error) = Validate(recordId);

        Assert.False(ok);
        Assert.Equal("sourceRecordId", error!.Field);
    }
}
