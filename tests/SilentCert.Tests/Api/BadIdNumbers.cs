using SilentCert.Domain;

namespace SilentCert.Tests.Api;

/// <summary>ID numbers that are wrong in exactly one way (GB 11643-1999), built the way the standard computes them.</summary>
public static class BadIdNumbers
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>The check character of 17 digits: Σ digit × weight mod 11 indexes "10X98765432".</summary>
    public static char CheckCharacterOf(string first17) =>
        "10X98765432"[first17.Select((c, i) => (c - '0') * Weights[i]).Sum() % 11];

    /// <summary>A valid number with another check character in place of the right one.</summary>
    public static string WrongCheckCharacter(IdNumber id) => id.Value[..17] + (id.Value[17] == '0' ? '1' : '0');

    /// <summary>A correctly checked number whose birth date does not exist.</summary>
    public static string ImpossibleBirthDate(string region, string yyyymmdd, string sequence = "123")
    {
        var first17 = region + yyyymmdd + sequence;
        return first17 + CheckCharacterOf(first17);
    }
}
