using System.Text.Json;

namespace SilentCert.Domain.Tests;

// Proves that a calendar month parses, prints, orders and steps as yyyy-MM.
public sealed class YearMonthTests
{
    [Theory]
    [InlineData("2026-03", 2026, 3)]
    [InlineData("2026-12", 2026, 12)]
    [InlineData("0001-01", 1, 1)]
    public void Parses_and_prints_yyyy_MM(string text, int year, int month)
    {
        Assert.True(YearMonth.TryParse(text, out var parsed));
        Assert.Equal(new YearMonth(year, month), parsed);
        Assert.Equal(text, parsed.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-3")]
    [InlineData("2026/03")]
    [InlineData("26-03-1")]
    [InlineData("2026-03-01")]
    [InlineData("0000-01")]
    public void Rejects_anything_but_a_real_yyyy_MM(string? text)
    {
        Assert.False(YearMonth.TryParse(text, out var parsed));
        Assert.Equal(default, parsed);
    }

    [Fact]
    public void Orders_by_year_then_month()
    {
        var december = new YearMonth(2025, 12);
        var january = new YearMonth(2026, 1);
        var february = new YearMonth(2026, 2);

        Assert.True(december < january);
        Assert.True(january < february);
        Assert.True(february > december);
        Assert.True(january <= new YearMonth(2026, 1));
        Assert.True(january >= new YearMonth(2026, 1));
        Assert.Equal(0, january.CompareTo(new YearMonth(2026, 1)));
        Assert.Equal([december, january, february], new[] { february, december, january }.Order());
    }

    [Theory]
    [InlineData(2026, 12, 1, 2027, 1)]
    [InlineData(2026, 1, -1, 2025, 12)]
    [InlineData(2026, 11, 14, 2028, 1)]
    [InlineData(2026, 3, 0, 2026, 3)]
    [InlineData(2026, 3, -27, 2023, 12)]
    public void AddMonths_crosses_year_boundaries(int year, int month, int add, int expectedYear, int expectedMonth) =>
        Assert.Equal(new YearMonth(expectedYear, expectedMonth), new YearMonth(year, month).AddMonths(add));

    [Theory]
    [InlineData(2028, 2, 29)]
    [InlineData(2027, 2, 28)]
    [InlineData(2026, 4, 30)]
    [InlineData(2026, 12, 31)]
    public void First_and_last_day_bound_the_month(int year, int month, int lastDay)
    {
        var ym = new YearMonth(year, month);

        Assert.Equal(new DateOnly(year, month, 1), ym.FirstDay);
        Assert.Equal(new DateOnly(year, month, lastDay), ym.LastDay);
        Assert.Equal(ym, YearMonth.Of(new DateOnly(year, month, lastDay)));
    }

    [Fact]
    public void Serialises_to_json_as_yyyy_MM_and_rejects_other_text()
    {
        Assert.Equal("\"2026-03\"", JsonSerializer.Serialize(new YearMonth(2026, 3)));
        Assert.Equal(new YearMonth(2026, 3), JsonSerializer.Deserialize<YearMonth>("\"2026-03\""));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<YearMonth>("\"2026-3\""));
    }
}
