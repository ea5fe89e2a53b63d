using CsCheck;

namespace SilentCert.Domain.Tests;

// Proves that resident ID numbers are checked as GB 11643-1999 says, never leak in errors or text, and give the right age.
public sealed class IdNumberTests
{
    // Check characters worked out by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 indexes "10X98765432".
    //
    // 11010519491231002X: digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2
    //   7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 27 + 7 + 18 + 30 + 5 + 0 + 0 + 4 = 167; 167 mod 11 = 2 -> 'X'
    // 440524188001010014: digits 4 4 0 5 2 4 1 8 8 0 0 1 0 1 0 0 1
    //   28 + 36 + 0 + 25 + 16 + 16 + 2 + 8 + 48 + 0 + 0 + 9 + 0 + 5 + 0 + 0 + 2 = 195; 195 mod 11 = 8 -> '4'
    // 340102194604011232: digits 3 4 0 1 0 2 1 9 4 6 0 4 0 1 1 2 3
    //   21 + 36 + 0 + 5 + 0 + 8 + 2 + 9 + 24 + 18 + 0 + 36 + 0 + 5 + 8 + 8 + 6 = 186; 186 mod 11 = 10 -> '2'
    // 35020320000229007X (born 29 Feb 2000, a leap year): digits 3 5 0 2 0 3 2 0 0 0 0 2 2 9 0 0 7
    //   21 + 45 + 0 + 10 + 0 + 12 + 4 + 0 + 0 + 0 + 0 + 18 + 20 + 45 + 0 + 0 + 14 = 189; 189 mod 11 = 2 -> 'X'
    // 340102195002300015 (30 Feb 1950, no such day): digits 3 4 0 1 0 2 1 9 5 0 0 2 3 0 0 0 1
    //   21 + 36 + 0 + 5 + 0 + 8 + 2 + 9 + 30 + 0 + 0 + 18 + 30 + 0 + 0 + 0 + 2 = 161; 161 mod 11 = 7 -> '5'
    // 110105190002290017 (29 Feb 1900: 1900 is not a leap year): digits 1 1 0 1 0 5 1 9 0 0 0 2 2 9 0 0 1
    //   7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 0 + 0 + 0 + 18 + 20 + 45 + 0 + 0 + 2 = 137; 137 mod 11 = 5 -> '7'
    // The last two have a correct check character, so only the birth date can make them fail.

    [Theory]
    [InlineData("11010519491231002X", 1949, 12, 31)]
    [InlineData("440524188001010014", 1880, 1, 1)]
    [InlineData("340102194604011232", 1946, 4, 1)]
    [InlineData("35020320000229007X", 2000, 2, 29)]
    public void Accepts_a_number_whose_check_character_matches(string text, int year, int month, int day)
    {
        Assert.True(IdNumber.TryParse(text, out var id, out var error));
        Assert.Null(error);
        Assert.Equal(text, id!.Value);
        Assert.Equal(new DateOnly(year, month, day), id.BirthDate);
        Assert.Equal(text[..6], id.Region);
    }

    [Fact]
    public void Accepts_a_lower_case_x_and_keeps_the_number_upper_case()
    {
        Assert.True(IdNumber.TryParse("11010519491231002x", out var id, out _));
        Assert.Equal("11010519491231002X", id!.Value);
    }

    [Fact]
    public void Accepts_surrounding_spaces_as_a_clerk_pastes_them()
    {
        Assert.True(IdNumber.TryParse(" 440524188001010014 ", out var id, out _));
        Assert.Equal("440524188001010014", id!.Value);
    }

    [Theory]
    [InlineData("110105194912310021")] // expected X, not 1
    [InlineData("110105194912310020")]
    [InlineData("440524188001010015")] // expected 4
    [InlineData("44052418800101001X")]
    [InlineData("340102194604011233")] // expected 2
    public void Rejects_a_wrong_check_character(string text)
    {
        Assert.False(IdNumber.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.Contains("check character", error);
    }

    [Theory]
    [InlineData("11010519491231002", 17)]
    [InlineData("11010519491231002X1", 19)]
    [InlineData("110105491231002", 15)] // the old 15-digit format is not accepted
    public void Rejects_a_number_of_the_wrong_length(string text, int length)
    {
        Assert.False(IdNumber.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.Contains("18 characters", error);
        Assert.Contains($"it has {length}", error);
    }

    [Theory]
    [InlineData("1101051949123100XX", 17)] // X is only allowed as the 18th character
    [InlineData("A1010519491231002X", 1)]
    [InlineData("110105-9491231002X", 7)]
    [InlineData("１10105194912310021", 1)] // a full-width digit is not an ASCII digit
    public void Rejects_a_non_digit_among_the_first_17(string text, int position)
    {
        Assert.False(IdNumber.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.Equal($"character {position} must be a digit.", error);
    }

    [Theory]
    [InlineData("340102195002300015")] // 1950-02-30
    [InlineData("110105190002290017")] // 1900-02-29
    public void Rejects_an_impossible_birth_date_even_with_a_correct_check_character(string text)
    {
        Assert.False(IdNumber.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.Contains("birth date", error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Rejects_a_missing_number(string? text)
    {
        Assert.False(IdNumber.TryParse(text, out var id, out var error));
        Assert.Null(id);
        Assert.Contains("required", error);
    }

    [Theory]
    [InlineData("110105194912310021")]
    [InlineData("11010519491231002")]
    [InlineData("11010519491231002X1")]
    [InlineData("1101051949123100XX")]
    [InlineData("340102195002300015")]
    [InlineData("110105190002290017")]
    public void Error_messages_never_contain_the_number_or_its_birth_date(string text)
    {
        Assert.False(IdNumber.TryParse(text, out _, out var error));
        Assert.NotNull(error);
        Assert.DoesNotContain(text, error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(text[..Math.Min(17, text.Length)], error, StringComparison.Ordinal);
        Assert.DoesNotContain(text.Substring(6, 8), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("11010519491231002X", "110105********002X")]
    [InlineData("440524188001010014", "440524********0014")]
    public void Masks_all_but_the_first_6_and_last_4_characters(string text, string masked)
    {
        Assert.True(IdNumber.TryParse(text, out var id, out _));
        Assert.Equal(masked, id!.Masked);
        Assert.Equal(masked, id.ToString());
        Assert.Equal(18, masked.Length);
    }

    [Fact]
    public void Compose_builds_the_check_character_worked_out_by_hand()
    {
        Assert.Equal("11010519491231002X", IdNumber.Compose("110105", new DateOnly(1949, 12, 31), 2).Value);
        Assert.Equal("440524188001010014", IdNumber.Compose("440524", new DateOnly(1880, 1, 1), 1).Value);
        Assert.Equal("340102194604011232", IdNumber.Compose("340102", new DateOnly(1946, 4, 1), 123).Value);
    }

    [Theory]
    [InlineData("34010", 1)]
    [InlineData("34010A", 1)]
    [InlineData("340102", -1)]
    [InlineData("340102", 1000)]
    public void Compose_rejects_a_bad_region_or_sequence(string region, int sequence) =>
        Assert.ThrowsAny<ArgumentException>(() => IdNumber.Compose(region, new DateOnly(1960, 5, 10), sequence));

    [Fact]
    public void Compose_round_trips_through_TryParse_and_every_other_check_character_is_rejected()
    {
        // Birth dates from 1880 (the earliest TryParse accepts) to 2025.
        var gen = Gen.Select(Gen.Int[0, 999_999], Gen.Int[0, 53_000], Gen.Int[0, 999]);
        gen.Sample((region, days, sequence) =>
        {
            var birth = new DateOnly(1880, 1, 1).AddDays(days);
            var composed = IdNumber.Compose(region.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), birth, sequence);

            Assert.True(IdNumber.TryParse(composed.Value, out var parsed, out var error), error);
            Assert.Equal(composed.Value, parsed!.Value);
            Assert.Equal(birth, parsed.BirthDate);
            Assert.Equal(composed.Masked, parsed.Masked);
            Assert.Equal(CheckCharacter(composed.Value[..17]), composed.Value[17]);

            foreach (var other in "0123456789X".Where(c => c != composed.Value[17]))
            {
                Assert.False(IdNumber.TryParse(composed.Value[..17] + other, out _, out _));
            }
        }, iter: 300);
    }

    [Theory]
    [InlineData(2026, 3, 31, 79)] // the day before the 80th birthday
    [InlineData(2026, 4, 1, 80)] // the 80th birthday
    [InlineData(2027, 3, 31, 80)]
    [InlineData(1946, 4, 1, 0)]
    public void AgeOn_counts_whole_years_and_turns_on_the_birthday(int year, int month, int day, int age)
    {
        Assert.True(IdNumber.TryParse("340102194604011232", out var id, out _));
        Assert.Equal(age, id!.AgeOn(new DateOnly(year, month, day)));
    }

    [Theory]
    [InlineData(2027, 2, 28, 26)] // no 29 February in 2027: the birthday falls on 1 March
    [InlineData(2027, 3, 1, 27)]
    [InlineData(2028, 2, 28, 27)]
    [InlineData(2028, 2, 29, 28)] // a leap year has the day itself
    public void AgeOn_for_a_29_February_birthday_turns_on_1_March_in_common_years(int year, int month, int day, int age)
    {
        Assert.True(IdNumber.TryParse("35020320000229007X", out var id, out _));
        Assert.Equal(age, id!.AgeOn(new DateOnly(year, month, day)));
    }

    // An independent implementation of the check character, for the round-trip property.
    private static char CheckCharacter(string first17)
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = first17.Select((c, i) => (c - '0') * weights[i]).Sum();
        return "10X98765432"[sum % 11];
    }
}
