namespace SilentCert.Domain.Tests;

// Proves rule 7: dates are China Standard Time (UTC+08:00) whatever offset an instant is given in.
public sealed class ChinaTimeTests
{
    [Theory]
    [InlineData("2026-03-31T16:00:00Z", 2026, 4, 1)] // 16:00 UTC is local midnight
    [InlineData("2026-03-31T15:59:59Z", 2026, 3, 31)] // one second earlier is still 31 March locally
    [InlineData("2026-12-31T16:00:00Z", 2027, 1, 1)] // a new year starts 8 hours before UTC's
    [InlineData("2026-03-31T11:00:00-05:00", 2026, 4, 1)] // 16:00 UTC written in another offset
    [InlineData("2026-04-01T00:00:00+08:00", 2026, 4, 1)]
    [InlineData("2026-04-01T23:59:59+08:00", 2026, 4, 1)]
    [InlineData("2028-02-28T16:00:00Z", 2028, 2, 29)]
    public void DateOf_gives_the_local_date_in_China_Standard_Time(string instant, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), ChinaTime.DateOf(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void StartOf_is_local_midnight_which_is_16_00_UTC_the_day_before()
    {
        var start = ChinaTime.StartOf(new DateOnly(2026, 4, 1));

        Assert.Equal(new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(TimeSpan.FromHours(8), start.Offset);
    }

    [Fact]
    public void ToLocal_keeps_the_instant_and_shows_it_at_plus_8()
    {
        var local = ChinaTime.ToLocal(new DateTimeOffset(2026, 3, 31, 16, 30, 0, TimeSpan.Zero));

        Assert.Equal(Cst.At(2026, 4, 1, 0, 30), local);
        Assert.Equal(TimeSpan.FromHours(8), local.Offset);
        Assert.Equal(0, local.Hour);
    }

    [Fact]
    public void An_observation_dated_by_its_local_date_not_its_UTC_date()
    {
        var observed = new Observation("travel-realname", "t1", new DateTimeOffset(2026, 8, 31, 16, 30, 0, TimeSpan.Zero), Strength.Strong);

        Assert.Equal(new DateOnly(2026, 9, 1), observed.ObservedOn);
    }
}
