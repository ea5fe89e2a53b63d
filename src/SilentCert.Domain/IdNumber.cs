using System.Globalization;

namespace SilentCert.Domain;

/// <summary>
/// An 18-character resident ID number (GB 11643-1999): a 6-digit division code, the birth date as yyyyMMdd, a 3-digit
/// sequence and a check character. The value never appears in keys, logs or messages; <see cref="ToString"/> masks it.
/// </summary>
public sealed class IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Earlier "birth dates" are typing errors, not people.</summary>
    public const int MinimumBirthYear = 1880;

    private IdNumber(string value, DateOnly birthDate)
    {
        Value = value;
        BirthDate = birthDate;
    }

    /// <summary>The full number, upper case. Only for hashing into a pseudonymous key.</summary>
    public string Value { get; }

    public DateOnly BirthDate { get; }

    public string Region => Value[..6];

    /// <summary>The first six and last four characters, the rest as <c>*</c>: 340102********123X.</summary>
    public string Masked => Value[..6] + new string('*', 8) + Value[14..];

    public override string ToString() => Masked;

    /// <summary>Age in whole years on <paramref name="date"/>.</summary>
    public int AgeOn(DateOnly date) => Ages.On(BirthDate, date);

    /// <summary>Parses an ID number; on failure <paramref name="error"/> says what is wrong without repeating the number.</summary>
    public static bool TryParse(string? text, out IdNumber? idNumber, out string? error)
    {
        idNumber = null;
        text = text?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(text))
        {
            error = "is required: the 18-character resident ID number.";
            return false;
        }
        if (text.Length != 18)
        {
            error = $"must have 18 characters (17 digits and a check character 0-9 or X); it has {text.Length}.";
            return false;
        }
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                error = $"character {i + 1} must be a digit.";
                return false;
            }
        }
        if (!DateOnly.TryParseExact(text.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < MinimumBirthYear)
        {
            error = "characters 7-14 must be a real birth date (yyyyMMdd).";
            return false;
        }
        var expected = CheckCharacterOf(text.AsSpan(0, 17));
        if (text[17] != expected)
        {
            error = "the check character (the 18th) does not match the first 17 digits: the number was mistyped.";
            return false;
        }
        idNumber = new IdNumber(text, birth);
        error = null;
        return true;
    }

    /// <summary>Builds a valid number from its parts (synthetic people for tests and simulations).</summary>
    public static IdNumber Compose(string region, DateOnly birthDate, int sequence)
    {
        if (region.Length != 6 || !region.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A region is a 6-digit division code.", nameof(region));
        }
        if (birthDate.Year < MinimumBirthYear)
        {
            throw new ArgumentOutOfRangeException(nameof(birthDate), $"Birth dates before {MinimumBirthYear} are not accepted.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequence, 999);
        var body = region + birthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence.ToString("D3", CultureInfo.InvariantCulture);
        return new IdNumber(body + CheckCharacterOf(body), birthDate);
    }

    private static char CheckCharacterOf(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }
        return CheckCharacters[sum % 11];
    }
}

public static class Ages
{
    /// <summary>Whole years from <paramref name="birth"/> to <paramref name="date"/>; a 29 February birthday falls on 1 March.</summary>
    public static int On(DateOnly birth, DateOnly date)
    {
        var age = date.Year - birth.Year;
        if (date.Month < birth.Month || (date.Month == birth.Month && date.Day < birth.Day))
        {
            age--;
        }
        return age;
    }
}
