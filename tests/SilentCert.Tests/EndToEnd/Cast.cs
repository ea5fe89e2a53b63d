using System.Globalization;
using SilentCert.Domain;

namespace SilentCert.Tests.EndToEnd;

/// <summary>
/// The people of the fifteen months (2026-01-01 to 2027-04-01): headline people, each worked out by hand from the rules
/// with the arithmetic beside the numbers, and a crowd whose lives are drawn from a fixed seed and whose expectations
/// come from <see cref="ExpectationModel"/> alone. Times without an offset are China local times (rule 7); enrolments
/// happen at 09:00 and evidence arrives at 10:00 unless the script says otherwise.
/// </summary>
public static class Cast
{
    public const string PensionEmployee = "pension-employee";
    public const string PensionResident = "pension-resident";
    public const string ElderlyAllowance = "elderly-allowance";
    public const string DisabilitySubsidy = "disability-subsidy";
    public const string Dibao = "dibao";

    /// <summary>
    /// The province of this run follows the 180-day practice for the elderly allowance (rule 4: a programme may cap P,
    /// in configuration): 6 months at most, whatever the evidence.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> ProgrammeCaps = new Dictionary<string, int> { [ElderlyAllowance] = 6 };

    public static IDictionary<string, string?> ProvinceSettings =>
        ProgrammeCaps.ToDictionary(c => $"Programmes:{c.Key}:MaxPeriodMonths", c => (string?)c.Value.ToString(CultureInfo.InvariantCulture));

    public static readonly IReadOnlyDictionary<string, decimal> MonthlyAmounts = new Dictionary<string, decimal>
    {
        [PensionEmployee] = 3200.00m, [PensionResident] = 180.00m, [ElderlyAllowance] = 100.00m, [DisabilitySubsidy] = 150.00m, [Dibao] = 810.50m,
    };

    private static readonly string[] Regions = ["340102", "340103", "340104", "340111", "340121"];

    public static IReadOnlyList<Person> Everyone()
    {
        var sequence = 100;
        Person New(string code, string exercises, string born) =>
            new(code, exercises, When.Date(born), IdNumber.Compose(Regions[sequence % Regions.Length], When.Date(born), sequence++));

        static EvidenceRecord E(string source, string id, string observedAt) => new(source, id, observedAt);

        var people = new List<Person>
        {
            // Rules 1, 2, 6: later strong evidence rolls the start forward; older evidence arriving late, and weak
            // evidence reaching less far, never move the deadline back.
            New("R1-zhao", "rules 1, 2, 6", "1960-04-12")
                .Enrol("2026-01-05T09:00", "2026-01-05", PensionEmployee)                     // 2026-01-05 + 12 = 2027-01-05
                .Expect("2026-01-05T09:00", "certified", "2027-01-05")
                .Send("2026-04-21T10:00", E("travel-realname", "R1-T1", "2026-04-20T07:10:00+08:00"))   // + 12 = 2027-04-20
                .Expect("2026-04-21T10:00", "certified", "2027-04-20")
                .Send("2026-05-03T10:00", E("medical-visit", "R1-M1", "2026-02-14T15:00:00+08:00"))     // + 12 = 2027-02-14 < 2027-04-20
                .Expect("2026-05-03T10:00", "certified", "2027-04-20")
                .Send("2026-09-02T10:00", E("vaccination", "R1-V1", "2026-09-01T11:00:00+08:00"))       // weak + 6 = 2027-03-01 < 2027-04-20
                .Expect("2026-09-02T10:00", "certified", "2027-04-20")
                // 2027-04-20 - 30 days: 20 back to 2027-03-31, 10 more to 2027-03-21.
                .Expect("2027-03-20T00:00", "certified", "2027-04-20")
                .Expect("2027-03-21T00:00", "due", "2027-04-20")
                .Expect("2027-04-01T00:00", "due", "2027-04-20")
                .Warned("2027-04-20", 30, "2027-03-21T00:00")                                   // 7 days before is 2027-04-13, after the walk
                .NeverResumed(),

            // Rule 2: weak evidence 6 months, strong 12, in calendar months (31 August + 6 = 28 February).
            New("R2-qian", "rules 2, 8, 9", "1958-08-31")
                .Enrol("2026-01-08T09:00", "2025-03-10", PensionResident)                     // 2025-03-10 + 12 = 2026-03-10
                // 2026-03-10 - 30: 10 back to 2026-02-28, 20 more to 2026-02-08.
                .Expect("2026-02-07T00:00", "certified", "2026-03-10")
                .Expect("2026-02-08T00:00", "due", "2026-03-10")
                .Send("2026-02-28T10:00", E("bank-counter", "R2-B1", "2026-02-27T16:20:00+08:00"))      // weak + 6 = 2026-08-27
                .Expect("2026-02-28T10:00", "certified", "2026-08-27")
                // 2026-08-27 - 30: 27 back to 2026-07-31, 3 more to 2026-07-28; - 7 = 2026-08-20; overdue from 2026-08-28.
                .Expect("2026-07-28T00:00", "due", "2026-08-27")
                .Expect("2026-08-28T00:00", "overdue", "2026-08-27")
                .Send("2026-08-31T20:00", E("utility-payment", "R2-U1", "2026-08-31T19:00:00+08:00"))   // weak + 6 = 2027-02-28 (no 31 February)
                .Expect("2026-08-31T20:00", "certified", "2027-02-28")
                .Expect("2026-09-01T00:00", "certified", "2027-02-28")                         // renewed before the month ended: never suspended
                // 2027-02-28 - 30: 28 back to 2027-01-31, 2 more to 2027-01-29.
                .Expect("2027-01-29T00:00", "due", "2027-02-28")
                .Send("2027-01-31T12:00", E("face-selfservice", "R2-F1", "2027-01-31T11:30:00+08:00"))  // strong + 12 = 2028-01-31
                .Expect("2027-01-31T12:00", "certified", "2028-01-31")
                .Expect("2027-04-01T00:00", "certified", "2028-01-31")
                .Warned("2026-03-10", 30, "2026-02-08T00:00")
                .Warned("2026-08-27", 30, "2026-07-28T00:00")
                .Warned("2026-08-27", 7, "2026-08-20T00:00")
                .Warned("2027-02-28", 30, "2027-01-29T00:00")
                .NeverResumed(),

            // Rule 3 (age >= 80 on the observed date: 6 months strong, 3 weak); rule 4 (one record serves two
            // programmes, the cap of 6 is no lower than the graded period); rules 9 and 10.
            New("R3a-sun", "rules 3, 4, 5, 8, 9, 10", "1941-05-20")
                .Enrol("2026-01-12T09:00", "2026-01-12", PensionResident, ElderlyAllowance)   // age 84: 2026-01-12 + 6 = 2026-07-12
                .Expect("2026-01-12T09:00", "certified", "2026-07-12")
                .Send("2026-05-04T10:00", E("community-report", "R3a-C1", "2026-05-02T09:00:00+08:00")) // graded weak + 3 = 2026-08-02
                .Expect("2026-05-04T10:00", "certified", "2026-08-02")
                // 2026-08-02 - 30: 2 back to 2026-07-31, 28 more to 2026-07-03; - 7 = 2026-07-26.
                .Expect("2026-07-03T00:00", "due", "2026-08-02")
                .Expect("2026-08-03T00:00", "overdue", "2026-08-02")
                .Expect("2026-08-31T00:00", "overdue", "2026-08-02")
                .Expect("2026-09-01T00:00", "suspended", "2026-08-02", "2026-09-01")         // warned 2026-07-03, 60 days before
                .Send("2026-09-16T10:00", E("door-to-door", "R3a-D1", "2026-09-15T15:00:00+08:00"))     // graded strong + 6 = 2027-03-15
                .Expect("2026-09-16T10:00", "certified", "2027-03-15")
                // 2027-03-15 - 30: 15 back to 2027-02-28, 15 more to 2027-02-13; - 7 = 2027-03-08.
                .Expect("2027-02-13T00:00", "due", "2027-03-15")
                .Expect("2027-03-16T00:00", "overdue", "2027-03-15")
                .Expect("2027-04-01T00:00", "suspended", "2027-03-15", "2027-04-01")
                .Warned("2026-08-02", 30, "2026-07-03T00:00")
                .Warned("2026-08-02", 7, "2026-07-26T00:00")
                .Warned("2027-03-15", 30, "2027-02-13T00:00")
                .Warned("2027-03-15", 7, "2027-03-08T00:00")
                .Resumed("2026-09-16T10:00", "2026-09-01"),

            // Rule 3 on the 80th birthday itself: strong evidence on that day gives 6 months, which here ends before
            // the deadline the person already had (rule 1). Compare R3c, one day younger.
            New("R3b-li", "rules 1, 3, 8", "1946-06-01")
                .Enrol("2026-01-02T09:00", "2026-01-02", PensionEmployee)                     // age 79: + 12 = 2027-01-02
                .Send("2026-06-02T10:00", E("travel-realname", "R3b-T1", "2026-06-01T08:00:00+08:00"))  // age 80: + 6 = 2026-12-01 < 2027-01-02
                .Expect("2026-06-02T10:00", "certified", "2027-01-02")
                // 2027-01-02 - 30: 2 back to 2026-12-31, 28 more to 2026-12-03.
                .Expect("2026-12-03T00:00", "due", "2027-01-02")
                .Send("2026-12-21T10:00", E("medical-visit", "R3b-M1", "2026-12-20T10:00:00+08:00"))    // age 80: + 6 = 2027-06-20
                .Expect("2026-12-21T10:00", "certified", "2027-06-20")
                .Expect("2027-04-01T00:00", "certified", "2027-06-20")
                .Warned("2027-01-02", 30, "2026-12-03T00:00")
                .NeverResumed(),

            New("R3c-li", "rules 1, 3", "1946-06-02")
                .Enrol("2026-01-02T09:00", "2026-01-02", PensionEmployee)                     // + 12 = 2027-01-02
                .Send("2026-06-02T10:00", E("travel-realname", "R3c-T1", "2026-06-01T08:00:00+08:00"))  // age 79 (80 tomorrow): + 12 = 2027-06-01
                .Expect("2026-06-02T10:00", "certified", "2027-06-01")
                .Expect("2026-12-03T00:00", "certified", "2027-06-01")
                .Send("2026-12-21T10:00", E("medical-visit", "R3c-M1", "2026-12-20T10:00:00+08:00"))    // age 80: + 6 = 2027-06-20 > 2027-06-01
                .Expect("2027-04-01T00:00", "certified", "2027-06-20")
                .NeverWarned()                                                                  // 2027-06-01 - 30 = 2027-05-02, after the walk
                .NeverResumed(),

            // Rule 3 by flag: bedridden gets 6 months strong, 3 weak; rule 4: two programmes from each record.
            New("R3d-zhou", "rules 3, 4, 8, 9, 10; visit task of rule 8", "1955-03-03")
                .Enrol("2026-01-06T09:00", "2026-01-06", ["bedridden"], PensionEmployee, DisabilitySubsidy) // + 6 = 2026-07-06
                .Expect("2026-01-06T09:00", "certified", "2026-07-06")
                .Send("2026-04-11T10:00", E("utility-payment", "R3d-U1", "2026-04-10T18:00:00+08:00"))  // graded weak + 3 = 2026-07-10
                .Expect("2026-04-11T10:00", "certified", "2026-07-10")
                // 2026-07-10 - 30: 10 back to 2026-06-30, 20 more to 2026-06-10; - 7 = 2026-07-03.
                .Expect("2026-06-10T00:00", "due", "2026-07-10")
                .Expect("2026-07-11T00:00", "overdue", "2026-07-10")
                .Expect("2026-08-01T00:00", "suspended", "2026-07-10", "2026-08-01")
                .Send("2026-08-05T11:00", E("counter-visit", "R3d-C1", "2026-08-05T10:30:00+08:00"))    // graded strong + 6 = 2027-02-05
                .Expect("2026-08-05T11:00", "certified", "2027-02-05")
                // 2027-02-05 - 30: 5 back to 2027-01-31, 25 more to 2027-01-06; - 7 = 2027-01-29.
                .Expect("2027-02-06T00:00", "overdue", "2027-02-05")
                .Expect("2027-03-01T00:00", "suspended", "2027-02-05", "2027-03-01")
                .Expect("2027-04-01T00:00", "suspended", "2027-02-05", "2027-03-01")
                .Warned("2026-07-10", 30, "2026-06-10T00:00")
                .Warned("2026-07-10", 7, "2026-07-03T00:00")
                .Warned("2027-02-05", 30, "2027-01-06T00:00")
                .Warned("2027-02-05", 7, "2027-01-29T00:00")
                .Resumed("2026-08-05T11:00", "2026-08-01"),

            // Rule 3: disabled and empty-nest people keep the standard periods.
            New("R3e-wu", "rules 2, 3, 8, 9", "1950-01-01")
                .Enrol("2026-01-06T09:00", "2026-01-06", ["disabled", "empty-nest"], DisabilitySubsidy) // + 12 = 2027-01-06
                .Send("2026-03-02T10:00", E("travel-realname", "R3e-T1", "2026-03-01T09:00:00+08:00"))  // + 12 = 2027-03-01
                .Expect("2026-03-02T10:00", "certified", "2027-03-01")
                // 2027-03-01 - 30: 1 back to 2027-02-28, 28 more to 2027-01-31, 1 more to 2027-01-30; - 7 = 2027-02-22.
                .Expect("2027-01-30T00:00", "due", "2027-03-01")
                .Expect("2027-03-02T00:00", "overdue", "2027-03-01")
                .Expect("2027-04-01T00:00", "suspended", "2027-03-01", "2027-04-01")
                .Warned("2027-03-01", 30, "2027-01-30T00:00")
                .Warned("2027-03-01", 7, "2027-02-22T00:00")
                .NeverResumed(),

            // Rule 3 by a flag set through an update: it shortens only later evidence (documented choice), and the
            // deadline never moves back (rule 1).
            New("R3f-zhu", "rules 1, 3, 5, 9, 10", "1958-12-01")
                .Enrol("2026-01-15T09:00", "2026-01-15", PensionEmployee)                     // + 12 = 2027-01-15
                .Enrol("2026-04-01T10:00", "2026-01-15", ["major-illness"], PensionEmployee)  // graded now: + 6 = 2026-07-15 < 2027-01-15
                .Expect("2026-04-01T10:00", "certified", "2027-01-15")
                .Send("2026-07-01T10:00", E("medical-visit", "R3f-M1", "2026-06-30T10:00:00+08:00"))    // graded: + 6 = 2026-12-30 < 2027-01-15
                .Expect("2026-07-01T10:00", "certified", "2027-01-15")
                // 2027-01-15 - 30: 15 back to 2026-12-31, 15 more to 2026-12-16; - 7 = 2027-01-08.
                .Expect("2027-01-16T00:00", "overdue", "2027-01-15")
                .Expect("2027-02-01T00:00", "suspended", "2027-01-15", "2027-02-01")
                .Send("2027-02-20T10:00", E("face-selfservice", "R3f-F1", "2027-02-20T09:00:00+08:00")) // graded: + 6 = 2027-08-20
                .Expect("2027-04-01T00:00", "certified", "2027-08-20")
                .Warned("2027-01-15", 30, "2026-12-16T00:00")
                .Warned("2027-01-15", 7, "2027-01-08T00:00")
                .Resumed("2027-02-20T10:00", "2027-02-01"),

            // Rule 4: the elderly allowance is capped at 6 months; each programme keeps its own deadline from the same
            // evidence, is warned and suspended on its own, and the person is as severe as their worst programme.
            New("R4-zheng", "rules 4, 8, 9, 10", "1952-09-09")
                .Enrol("2026-01-15T09:00", "2026-01-15", PensionResident, ElderlyAllowance, Dibao)
                .ExpectProgramme("2026-01-15T09:00", PensionResident, "certified", "2027-01-15")  // + 12
                .ExpectProgramme("2026-01-15T09:00", ElderlyAllowance, "certified", "2026-07-15") // + 6 (cap)
                .ExpectProgramme("2026-01-15T09:00", Dibao, "certified", "2027-01-15")            // + 12
                // Elderly allowance: 2026-07-15 - 30: 15 back to 2026-06-30, 15 more to 2026-06-15; - 7 = 2026-07-08.
                .ExpectStatus("2026-06-15T00:00", "due")
                .ExpectProgramme("2026-06-15T00:00", PensionResident, "certified", "2027-01-15")
                .ExpectStatus("2026-07-16T00:00", "overdue")
                .ExpectProgramme("2026-08-01T00:00", ElderlyAllowance, "suspended", "2026-07-15", "2026-08-01")
                .ExpectProgramme("2026-08-01T00:00", Dibao, "certified", "2027-01-15")
                .ExpectStatus("2026-08-01T00:00", "suspended")
                .Send("2026-08-12T10:00", E("vaccination", "R4-V1", "2026-08-10T09:00:00+08:00"))       // weak + 6 = 2027-02-10 everywhere
                .Expect("2026-08-12T10:00", "certified", "2027-02-10")
                // 2027-02-10 - 30: 10 back to 2027-01-31, 20 more to 2027-01-11; - 7 = 2027-02-03.
                .Expect("2027-01-11T00:00", "due", "2027-02-10")
                .Expect("2027-03-01T00:00", "suspended", "2027-02-10", "2027-03-01")
                .Send("2027-03-06T10:00", E("travel-realname", "R4-T1", "2027-03-05T08:00:00+08:00"))   // + 12, capped + 6
                .ExpectProgramme("2027-03-06T10:00", PensionResident, "certified", "2028-03-05")
                .ExpectProgramme("2027-03-06T10:00", ElderlyAllowance, "certified", "2027-09-05")
                .ExpectProgramme("2027-03-06T10:00", Dibao, "certified", "2028-03-05")
                .ExpectStatus("2027-04-01T00:00", "certified")
                .Warned("2026-07-15", 30, "2026-06-15T00:00", [ElderlyAllowance])
                .Warned("2026-07-15", 7, "2026-07-08T00:00", [ElderlyAllowance])
                .Warned("2027-02-10", 30, "2027-01-11T00:00")
                .Warned("2027-02-10", 7, "2027-02-03T00:00")
                .Resumed("2026-08-12T10:00", "2026-08-01", ElderlyAllowance)
                .Resumed("2027-03-06T10:00", "2027-03-01"),

            // Rule 4 (互认复用): a programme joined later is served by the evidence already known; the update re-sends
            // the original enrolment date, so it is the journey of March that sets the new programme's deadline.
            New("R4b-wang", "rules 4, 5, 9", "1962-02-02")
                .Enrol("2026-01-20T09:00", "2026-01-20", PensionEmployee)                     // + 12 = 2027-01-20
                .Send("2026-03-06T10:00", E("travel-realname", "R4b-T1", "2026-03-05T17:00:00+08:00"))  // + 12 = 2027-03-05
                .Enrol("2026-06-15T10:00", "2026-01-20", PensionEmployee, DisabilitySubsidy)
                .Expect("2026-06-15T10:00", "certified", "2027-03-05")
                // 2027-03-05 - 30: 5 back to 2027-02-28, 25 more to 2027-02-03; - 7 = 2027-02-26.
                .Expect("2027-03-06T00:00", "overdue", "2027-03-05")
                .Expect("2027-04-01T00:00", "suspended", "2027-03-05", "2027-04-01")
                .Warned("2027-03-05", 30, "2027-02-03T00:00")
                .Warned("2027-03-05", 7, "2027-02-26T00:00")
                .NeverResumed(),

            // Rule 5: enrolment alone certifies, as strong evidence on the enrolment date; nothing else ever comes.
            New("R5-feng", "rules 5, 8, 9", "1966-10-10")
                .Enrol("2026-02-10T09:00", "2026-02-10", PensionEmployee)                     // + 12 = 2027-02-10
                // - 30 = 2027-01-11 (10 back to 2027-01-31, 20 more); - 7 = 2027-02-03.
                .Expect("2027-01-10T00:00", "certified", "2027-02-10")
                .Expect("2027-01-11T00:00", "due", "2027-02-10")
                .Expect("2027-02-10T00:00", "due", "2027-02-10")
                .Expect("2027-02-11T00:00", "overdue", "2027-02-10")
                .Expect("2027-02-28T23:59:59", "overdue", "2027-02-10")
                .Expect("2027-03-01T00:00", "suspended", "2027-02-10", "2027-03-01")
                .Warned("2027-02-10", 30, "2027-01-11T00:00")
                .Warned("2027-02-10", 7, "2027-02-03T00:00")
                .NeverResumed(),

            // Rule 5: a person who comes to the counter is certified by that in-person act, which ends a suspension.
            New("R5c-chen", "rules 5, 8, 9, 10", "1959-12-12")
                .Enrol("2026-01-03T09:00", "2025-02-14", PensionEmployee)                     // + 12 = 2026-02-14
                // 2026-02-14 - 30: 14 back to 2026-01-31, 16 more to 2026-01-15; - 7 = 2026-02-07.
                .Expect("2026-01-15T00:00", "due", "2026-02-14")
                .Expect("2026-02-15T00:00", "overdue", "2026-02-14")
                .Expect("2026-03-01T00:00", "suspended", "2026-02-14", "2026-03-01")
                .Enrol("2026-03-20T09:30", "2026-03-20", PensionEmployee)                     // + 12 = 2027-03-20
                .Expect("2026-03-20T09:30", "certified", "2027-03-20")
                // 2027-03-20 - 30: 20 back to 2027-02-28, 10 more to 2027-02-18; - 7 = 2027-03-13.
                .Expect("2027-04-01T00:00", "suspended", "2027-03-20", "2027-04-01")
                .Warned("2026-02-14", 30, "2026-01-15T00:00")
                .Warned("2026-02-14", 7, "2026-02-07T00:00")
                .Warned("2027-03-20", 30, "2027-02-18T00:00")
                .Warned("2027-03-20", 7, "2027-03-13T00:00")
                .Resumed("2026-03-20T09:30", "2026-03-01"),
        };

        // Rule 6: the same three records, in one batch in order (a), in one batch reversed (b), and split over three
        // batches on three days (c), give the same deadline, warnings and suspension. Re-sent records are duplicates,
        // also when the copy claims another observation time.
        // Enrolled 2025-07-20: + 12 = 2026-07-20. E1 strong 2026-02-03 + 12 = 2027-02-03; E2 weak 2026-04-25 + 6 =
        // 2026-10-25; E3 strong 2026-03-18 + 12 = 2027-03-18, the farthest.
        // 2027-03-18 - 30: 18 back to 2027-02-28, 12 more to 2027-02-16; - 7 = 2027-03-11; suspended from 2027-04-01.
        foreach (var suffix in new[] { "a", "b", "c" })
        {
            EvidenceRecord E1() => new("medical-visit", $"R6{suffix}-E1", "2026-02-03T09:00:00+08:00");
            EvidenceRecord E2() => new("vaccination", $"R6{suffix}-E2", "2026-04-25T10:00:00+08:00");
            EvidenceRecord E3() => new("travel-realname", $"R6{suffix}-E3", "2026-03-18T18:45:00+08:00");
            var person = New($"R6{suffix}-chu", "rule 6 (order, batches, duplicates), 8, 9", "1957-07-07")
                .Enrol("2026-01-09T09:00", "2025-07-20", PensionEmployee);
            _ = suffix switch
            {
                "a" => person.Send("2026-05-06T10:00", E1(), E2(), E3())
                    .Send("2026-08-03T10:00", E1(), E2(), E3()),                                  // three duplicates
                "b" => person.Send("2026-05-06T10:00", E3(), E2(), E1())
                    .Send("2026-08-03T10:00", E3() with { ObservedAt = "2026-07-30T10:00:00+08:00" }), // a duplicate, not 2027-07-30
                _ => person.Send("2026-04-26T09:00", E2())
                    .Expect("2026-04-26T09:00", "certified", "2026-10-25")
                    .Send("2026-05-05T09:00", E3(), E3())                                       // one accepted, one duplicate
                    .Send("2026-05-06T10:00", E1()),
            };
            people.Add(person
                .Expect("2026-05-06T10:00", "certified", "2027-03-18")
                .Expect("2026-08-03T10:00", "certified", "2027-03-18")
                .Expect("2027-02-16T00:00", "due", "2027-03-18")
                .Expect("2027-03-19T00:00", "overdue", "2027-03-18")
                .Expect("2027-04-01T00:00", "suspended", "2027-03-18", "2027-04-01")
                .Warned("2027-03-18", 30, "2027-02-16T00:00")
                .Warned("2027-03-18", 7, "2027-03-11T00:00")
                .NeverResumed());
        }

        people.AddRange(
        [
            // Rule 6: evidence observed in February arrives in September, after a suspension; rule 10: it was observed
            // before the old deadline, so the suspension should never have happened. Rule 9: a deadline on the last
            // day of a month is overdue and suspended from the same midnight.
            New("R6d-han", "rules 6, 8, 9, 10", "1963-03-03")
                .Enrol("2026-01-10T09:00", "2025-06-30", PensionEmployee)                     // + 12 = 2026-06-30
                // 2026-06-30 - 30 = 2026-05-31; - 7 = 2026-06-23.
                .Expect("2026-05-31T00:00", "due", "2026-06-30")
                .Expect("2026-06-30T00:00", "due", "2026-06-30")
                .Expect("2026-07-01T00:00", "suspended", "2026-06-30", "2026-07-01")
                .Send("2026-09-14T10:00", E("medical-visit", "R6d-M1", "2026-02-11T14:00:00+08:00"))    // + 12 = 2027-02-11
                .Expect("2026-09-14T10:00", "certified", "2027-02-11")
                // 2027-02-11 - 30: 11 back to 2027-01-31, 19 more to 2027-01-12; - 7 = 2027-02-04.
                .Expect("2027-03-01T00:00", "suspended", "2027-02-11", "2027-03-01")
                .Warned("2026-06-30", 30, "2026-05-31T00:00")
                .Warned("2026-06-30", 7, "2026-06-23T00:00")
                .Warned("2027-02-11", 30, "2027-01-12T00:00")
                .Warned("2027-02-11", 7, "2027-02-04T00:00")
                .Resumed("2026-09-14T10:00", "2026-07-01"),

            // Rule 7: two records an hour apart in UTC fall on 31 May and 1 June in China: 2026-05-31 + 6 =
            // 2026-11-30 against 2026-06-01 + 6 = 2026-12-01, and suspension from 1 December against 1 January.
            // Both were enrolled 2025-06-25: + 12 = 2026-06-25; - 30 = 2026-05-26 (25 back to 2026-05-31, 5 more).
            New("R7a-jiang", "rules 2, 7, 8, 9", "1961-11-11")
                .Enrol("2026-01-07T09:00", "2025-06-25", PensionEmployee)
                .Send("2026-06-01T09:00", E("utility-payment", "R7a-U1", "2026-05-31T15:30:00Z"))       // 23:30 on 31 May in China
                .Expect("2026-06-01T09:00", "certified", "2026-11-30")
                // 2026-11-30 - 30 = 2026-10-31; - 7 = 2026-11-23; overdue and suspended from 2026-12-01 00:00 China time.
                .Expect("2026-10-30T23:59:59", "certified", "2026-11-30")
                .Expect("2026-10-31T00:00", "due", "2026-11-30")
                .Expect("2026-11-30T23:59:59", "due", "2026-11-30")
                .Expect("2026-11-30T16:00:00Z", "suspended", "2026-11-30", "2026-12-01")
                .Expect("2027-04-01T00:00", "suspended", "2026-11-30", "2026-12-01")
                .Warned("2026-06-25", 30, "2026-05-26T00:00")
                .Warned("2026-11-30", 30, "2026-10-31T00:00")
                .Warned("2026-11-30", 7, "2026-11-23T00:00")
                .NeverResumed(),

            New("R7b-jiang", "rules 2, 7, 8, 9, 10", "1961-11-11")
                .Enrol("2026-01-07T09:00", "2025-06-25", PensionEmployee)
                .Send("2026-06-01T09:00", E("utility-payment", "R7b-U1", "2026-05-31T16:30:00Z"))       // 00:30 on 1 June in China
                .Expect("2026-06-01T09:00", "certified", "2026-12-01")
                // 2026-12-01 - 30: 1 back to 2026-11-30, 29 more to 2026-11-01; - 7 = 2026-11-24.
                .Expect("2026-10-31T00:00", "certified", "2026-12-01")
                .Expect("2026-11-01T00:00", "due", "2026-12-01")
                .Expect("2026-11-30T16:00:00Z", "due", "2026-12-01")
                .Expect("2026-12-02T00:00", "overdue", "2026-12-01")
                .Expect("2027-01-01T00:00", "suspended", "2026-12-01", "2027-01-01")
                .Send("2027-01-05T09:00", E("face-selfservice", "R7b-F1", "2027-01-04T23:00:00Z"))      // 07:00 on 5 January: + 12
                .Expect("2027-01-05T09:00", "certified", "2028-01-05")
                .Warned("2026-06-25", 30, "2026-05-26T00:00")
                .Warned("2026-12-01", 30, "2026-11-01T00:00")
                .Warned("2026-12-01", 7, "2026-11-24T00:00")
                .Resumed("2027-01-05T09:00", "2027-01-01"),

            // Rule 8: enrolled 19 days before the deadline, so warned at once by the enrolment call, with 30.
            New("R8a-yang", "rules 5, 8, 9, 10", "1964-04-04")
                .Enrol("2026-02-10T09:00", "2025-03-01", PensionEmployee)                     // + 12 = 2026-03-01
                // 2026-03-01 - 30: 1 back to 2026-02-28, 28 more to 2026-01-31, 1 more to 2026-01-30 (passed);
                // - 7 = 2026-02-22 (not yet).
                .Expect("2026-02-10T09:00", "due", "2026-03-01")
                .Expect("2026-03-02T00:00", "overdue", "2026-03-01")
                .Expect("2026-04-01T00:00", "suspended", "2026-03-01", "2026-04-01")
                .Send("2026-04-20T10:00", E("bank-counter", "R8a-B1", "2026-03-25T11:00:00+08:00"))     // weak + 6 = 2026-09-25
                .Expect("2026-04-20T10:00", "certified", "2026-09-25")
                // 2026-09-25 - 30: 25 back to 2026-08-31, 5 more to 2026-08-26; - 7 = 2026-09-18.
                .Expect("2026-09-26T00:00", "overdue", "2026-09-25")
                .Expect("2026-10-01T00:00", "suspended", "2026-09-25", "2026-10-01")
                .Expect("2027-04-01T00:00", "suspended", "2026-09-25", "2026-10-01")
                .Warned("2026-03-01", 30, "2026-02-10T09:00")
                .Warned("2026-03-01", 7, "2026-02-22T00:00")
                .Warned("2026-09-25", 30, "2026-08-26T00:00")
                .Warned("2026-09-25", 7, "2026-09-18T00:00")
                .Resumed("2026-04-20T10:00", "2026-04-01"),

            // Rule 8: evidence whose new deadline is near (or already past) warns at once; rule 10 twice, the second
            // time to a deadline already past, so the person is overdue at once and, first warned on 15 November, is
            // suspended again only from 1 December (rule 9: 10-01 and 11-01 are less than 7 days after the warning).
            New("R8b-yin", "rules 1, 6, 8, 9, 10", "1965-05-05")
                .Enrol("2026-01-04T09:00", "2025-02-20", PensionEmployee)                     // + 12 = 2026-02-20
                // 2026-02-20 - 30: 20 back to 2026-01-31, 10 more to 2026-01-21; - 7 = 2026-02-13.
                .Expect("2026-03-01T00:00", "suspended", "2026-02-20", "2026-03-01")
                .Send("2026-06-20T10:00",
                    E("vaccination", "R8b-V0", "2025-08-01T10:00:00+08:00"),                    // + 6 = 2026-02-01: moves nothing
                    E("utility-payment", "R8b-U1", "2026-01-10T12:00:00+08:00"))                // + 6 = 2026-07-10
                // 2026-07-10 - 30 = 2026-06-10 (passed), - 7 = 2026-07-03 (not yet): warned at once with 30.
                .Expect("2026-06-20T10:00", "due", "2026-07-10")
                .Expect("2026-07-11T00:00", "overdue", "2026-07-10")
                .Expect("2026-08-01T00:00", "suspended", "2026-07-10", "2026-08-01")
                .Send("2026-11-15T10:00", E("community-report", "R8b-C1", "2026-03-20T09:00:00+08:00"))  // + 6 = 2026-09-20, past
                .Expect("2026-11-15T10:00", "overdue", "2026-09-20")
                .Expect("2026-11-30T23:59:59", "overdue", "2026-09-20")
                .Expect("2026-12-01T00:00", "suspended", "2026-09-20", "2026-12-01")
                .Warned("2026-02-20", 30, "2026-01-21T00:00")
                .Warned("2026-02-20", 7, "2026-02-13T00:00")
                .Warned("2026-07-10", 30, "2026-06-20T10:00")
                .Warned("2026-07-10", 7, "2026-07-03T00:00")
                .Warned("2026-09-20", 7, "2026-11-15T10:00")
                .Resumed("2026-06-20T10:00", "2026-03-01")
                .Resumed("2026-11-15T10:00", "2026-08-01"),

            // Rule 9, the 7-day boundary: both enrolled with deadline 2026-03-31 (enrolledOn 2025-03-31 + 12), warned at
            // once with 7. Warned 2026-03-25, exactly 7 days before 1 April: suspended from 1 April. Warned 2026-03-26,
            // 6 days before: the suspension moves to 1 May.
            New("R9a-qin", "rules 5, 8, 9", "1956-06-16")
                .Enrol("2026-03-25T10:00", "2025-03-31", PensionEmployee)
                .Expect("2026-03-25T10:00", "due", "2026-03-31")
                .Expect("2026-04-01T00:00", "suspended", "2026-03-31", "2026-04-01")
                .Expect("2027-04-01T00:00", "suspended", "2026-03-31", "2026-04-01")
                .Warned("2026-03-31", 7, "2026-03-25T10:00")
                .NeverResumed(),

            New("R9b-you", "rules 5, 8, 9, 10", "1956-06-16")
                .Enrol("2026-03-26T10:00", "2025-03-31", PensionEmployee)
                .Expect("2026-04-01T00:00", "overdue", "2026-03-31")
                .Expect("2026-04-30T23:59:59", "overdue", "2026-03-31")
                .Expect("2026-05-01T00:00", "suspended", "2026-03-31", "2026-05-01")
                .Send("2026-05-12T15:00", E("door-to-door", "R9b-D1", "2026-05-12T14:00:00+08:00"))     // + 12 = 2027-05-12
                .Expect("2026-05-12T15:00", "certified", "2027-05-12")
                .Expect("2027-04-01T00:00", "certified", "2027-05-12")
                .Warned("2026-03-31", 7, "2026-03-26T10:00")
                .Resumed("2026-05-12T15:00", "2026-05-01"),

            // Rule 9: enrolled on the deadline day itself (2025-01-27 + 12 = 2026-01-27), warned 2026-01-27, less than
            // 7 days before 1 February: suspended from 1 March. Rule 10: a journey of 10 February arrives in March.
            New("R9c-xu", "rules 5, 6, 8, 9, 10", "1968-08-08")
                .Enrol("2026-01-27T09:00", "2025-01-27", PensionEmployee)
                .Expect("2026-01-27T09:00", "due", "2026-01-27")
                .Expect("2026-01-28T00:00", "overdue", "2026-01-27")
                .Expect("2026-02-01T00:00", "overdue", "2026-01-27")
                .Expect("2026-03-01T00:00", "suspended", "2026-01-27", "2026-03-01")
                .Send("2026-03-05T10:00", E("travel-realname", "R9c-T1", "2026-02-10T08:00:00+08:00"))  // + 12 = 2027-02-10
                .Expect("2026-03-05T10:00", "certified", "2027-02-10")
                // 2027-02-10 - 30 = 2027-01-11; - 7 = 2027-02-03.
                .Expect("2027-03-01T00:00", "suspended", "2027-02-10", "2027-03-01")
                .Warned("2026-01-27", 7, "2026-01-27T09:00")
                .Warned("2027-02-10", 30, "2027-01-11T00:00")
                .Warned("2027-02-10", 7, "2027-02-03T00:00")
                .Resumed("2026-03-05T10:00", "2026-03-01"),

            // Rule 10: evidence that does not move the deadline leaves a suspension alone (documented choice); evidence
            // observed the day before the old deadline resumes the person.
            New("R10-lyu", "rules 1, 8, 9, 10", "1954-10-01")
                .Enrol("2026-01-05T09:00", "2025-03-15", PensionEmployee)                     // + 12 = 2026-03-15
                // 2026-03-15 - 30: 15 back to 2026-02-28, 15 more to 2026-02-13; - 7 = 2026-03-08.
                .Expect("2026-04-01T00:00", "suspended", "2026-03-15", "2026-04-01")
                .Send("2026-05-05T10:00", E("vaccination", "R10-V1", "2025-09-01T10:00:00+08:00"))      // + 6 = 2026-03-01 < 2026-03-15
                .Expect("2026-05-05T10:00", "suspended", "2026-03-15", "2026-04-01")
                .Send("2026-06-10T10:00", E("medical-visit", "R10-M1", "2026-03-14T16:00:00+08:00"))    // + 12 = 2027-03-14
                .Expect("2026-06-10T10:00", "certified", "2027-03-14")
                // 2027-03-14 - 30: 14 back to 2027-02-28, 16 more to 2027-02-12; - 7 = 2027-03-07.
                .Expect("2027-04-01T00:00", "suspended", "2027-03-14", "2027-04-01")
                .Warned("2026-03-15", 30, "2026-02-13T00:00")
                .Warned("2026-03-15", 7, "2026-03-08T00:00")
                .Warned("2027-03-14", 30, "2027-02-12T00:00")
                .Warned("2027-03-14", 7, "2027-03-07T00:00")
                .Resumed("2026-06-10T10:00", "2026-04-01"),

            // Negative evidence (a death certificate) opens a verification case that holds the person (rules 11-12);
            // nobody decides it in this walk, so the deadline, warnings and suspension go on underneath the hold; bad
            // negative records are rejected one by one. Aged 80 since 2025-12-25: graded.
            New("N-shi", "rules 3, 4, 8, 9, 11, 12; a death record holds payments", "1945-12-25")
                .Enrol("2026-01-05T09:00", "2026-01-05", PensionEmployee, ElderlyAllowance)   // + 6 = 2026-07-05
                .Send("2026-05-03T10:00",
                    new EvidenceRecord("death-health", "N-H1", "2026-05-02T00:00:00+08:00", DeathDate: "2026-04-28"),
                    new EvidenceRecord("death-civil-affairs", "N-D1", "2026-05-02T09:00:00+08:00", DeathDate: "2026-05-09",
                        RejectedBecause: "death after the observation"),
                    new EvidenceRecord("vaccination", "N-V1", "2026-05-01T09:00:00+08:00", DeathDate: "2026-04-28",
                        RejectedBecause: "a death date on positive evidence"))
                .Expect("2026-05-03T10:00", "held", "2026-07-05")
                .Send("2026-06-01T10:00", new EvidenceRecord("death-health", "N-H1", "2026-05-02T00:00:00+08:00", DeathDate: "2026-04-28"))
                // 2026-07-05 - 30: 5 back to 2026-06-30, 25 more to 2026-06-05; - 7 = 2026-06-28.
                .Expect("2026-06-05T00:00", "held", "2026-07-05")
                .Expect("2026-07-06T00:00", "held", "2026-07-05")
                .Expect("2026-08-01T00:00", "held", "2026-07-05", "2026-08-01")
                .Expect("2027-04-01T00:00", "held", "2026-07-05", "2026-08-01")
                .Warned("2026-07-05", 30, "2026-06-05T00:00")
                .Warned("2026-07-05", 7, "2026-06-28T00:00")
                .NeverResumed(),

            // Evidence for somebody not yet enrolled is counted unknown and not kept; sent again after enrolment it is
            // new. Rule 8: enrolled 13 days before the deadline, warned at once.
            New("U-kong", "rules 5, 6, 8, 9, 10", "1970-07-17")
                .Send("2026-01-20T10:00", E("travel-realname", "U-T1", "2026-01-19T08:00:00+08:00"))    // unknown person
                .Enrol("2026-02-02T09:00", "2025-02-15", PensionEmployee)                     // + 12 = 2026-02-15
                // 2026-02-15 - 30: 15 back to 2026-01-31, 15 more to 2026-01-16 (passed); - 7 = 2026-02-08 (not yet).
                .Expect("2026-02-02T09:00", "due", "2026-02-15")
                .Send("2026-02-03T10:00", E("travel-realname", "U-T1", "2026-01-19T08:00:00+08:00"))    // + 12 = 2027-01-19
                .Expect("2026-02-03T10:00", "certified", "2027-01-19")
                // 2027-01-19 - 30: 19 back to 2026-12-31, 11 more to 2026-12-20; - 7 = 2027-01-12.
                .Expect("2027-02-01T00:00", "suspended", "2027-01-19", "2027-02-01")
                .Send("2027-03-30T10:00", E("face-selfservice", "U-F1", "2027-03-30T09:40:00+08:00"))   // + 12 = 2028-03-30
                .Expect("2027-04-01T00:00", "certified", "2028-03-30")
                .Warned("2026-02-15", 30, "2026-02-02T09:00")
                .Warned("2027-01-19", 30, "2026-12-20T00:00")
                .Warned("2027-01-19", 7, "2027-01-12T00:00")
                .Resumed("2027-03-30T10:00", "2027-02-01"),
        ]);

        people.AddRange(Crowd(14, () => sequence++));
        return people;
    }

    private static readonly string[] Strong = ["face-selfservice", "door-to-door", "counter-visit", "travel-realname", "medical-visit", "cross-region-assist", "national-push"];
    private static readonly string[] Weak = ["vaccination", "bank-counter", "utility-payment", "community-report"];
    private static readonly string[] AllProgrammes = [PensionEmployee, PensionResident, ElderlyAllowance, DisabilitySubsidy, Dibao];

    /// <summary>
    /// People drawn from a fixed seed: a third very old, some turning 80 in the window, some flagged, one to three
    /// programmes, enrolled in the first quarter (half of them registering an older in-person date), two to six
    /// records each, mostly prompt, some weeks or months late, some sent twice. Rules 1-10 through the model.
    /// </summary>
    private static IEnumerable<Person> Crowd(int count, Func<int> nextSequence)
    {
        var random = new Random(20260101);
        var end = When.At("2027-04-01T00:00");
        DateOnly Day(string from, int days) => When.Date(from).AddDays(random.Next(days + 1));
        for (var i = 1; i <= count; i++)
        {
            var born = random.NextDouble() switch
            {
                < 0.30 => Day("1930-01-01", 5_800),          // 80 and over all along
                < 0.45 => Day("1946-01-02", 450),            // turns 80 during the walk
                _ => Day("1950-01-01", 9_000),
            };
            var flags = random.NextDouble() switch
            {
                < 0.20 => new[] { new[] { "bedridden", "incapacitated", "major-illness" }[random.Next(3)] },
                < 0.30 => [new[] { "disabled", "empty-nest", "elderly-care" }[random.Next(3)]],
                _ => null,
            };
            var programmes = AllProgrammes.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToArray();
            var enrolAt = When.Midnight(Day("2026-01-01", 89)).AddHours(9).AddMinutes(random.Next(480));
            var enrolledOn = random.NextDouble() < 0.5 ? When.LocalDate(enrolAt) : When.LocalDate(enrolAt).AddDays(-random.Next(200, 400));
            var sequence = nextSequence();
            var person = new Person($"C{i:00}", "rules 1-10 through the model", born, IdNumber.Compose(Regions[sequence % Regions.Length], born, sequence));
            person.Acts.Add(new EnrolAct(enrolAt, enrolledOn, programmes, flags));
            var records = 2 + random.Next(5);
            for (var r = 1; r <= records; r++)
            {
                var observed = When.Midnight(Day("2025-11-01", 510)).AddMinutes(random.Next(24 * 60));
                var arrives = random.NextDouble() switch
                {
                    < 0.6 => observed.AddMinutes(10 + random.Next(2 * 24 * 60)),
                    < 0.9 => observed.AddDays(3 + random.Next(58)),
                    _ => observed.AddDays(60 + random.Next(140)),
                };
                if (arrives <= enrolAt) arrives = enrolAt.AddMinutes(30 + random.Next(600));
                arrives = arrives.AddSeconds(-arrives.Second);
                if (arrives >= end) continue;
                var source = random.NextDouble() < 0.55 ? Strong[random.Next(Strong.Length)] : Weak[random.Next(Weak.Length)];
                var observedText = random.NextDouble() < 0.3
                    ? observed.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                    : observed.ToOffset(When.China).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
                var record = new EvidenceRecord(source, $"{person.Code}-{r}", observedText);
                person.Acts.Add(new SendAct(arrives, [record]));
                var again = arrives.AddDays(1 + random.Next(60));
                if (random.NextDouble() < 0.15 && again < end)
                {
                    person.Acts.Add(new SendAct(again, [record]));
                }
            }
            yield return person;
        }
    }
}
