using System.Globalization;
using System.Text;
using SilentCert.Data;
using SilentCert.Domain;
using SilentCert.Grains;

namespace SilentCert.Gateway.Apis;

public sealed record PayrollResponse(string Programme, string Month, bool Closed, IReadOnlyList<PayrollLineResponse> Lines, PayrollTotals Totals);

/// <summary>Amount in yuan, positive; the kind gives the direction. Months ascending, yyyy-MM.</summary>
public sealed record PayrollLineResponse(string BeneficiaryId, string Kind, decimal Amount, IReadOnlyList<string> Months);

public sealed record PayrollTotals(decimal Regular, decimal Withheld, decimal Arrears, decimal Estate, decimal Recovery);

/// <summary>Rule 14: a programme's monthly payroll (发放名册), as JSON or as the CSV a disbursing bank reads.</summary>
public static class PayrollApi
{
    private const string Csv = "text/csv";

    public static RouteGroupBuilder MapPayrollApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/payroll").WithTags("Payroll");
        group.MapGet("/{programme}/{month}", Get)
            .WithSummary("A month's payroll of one programme: frozen if closed, otherwise as the current state says. Accept: text/csv gives the bank's file.")
            .Produces<PayrollResponse>().Produces<string>(StatusCodes.Status200OK, Csv)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{programme}/{month}/close", Close)
            .WithSummary("Closes a month's payroll: its lines never change again. Closing a closed month changes nothing.")
            .Produces<PayrollResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> Get(string programme, string month, HttpRequest request, CertificationRules rules, PayrollStore payroll,
        [FromKeyedServices(NodeClock.Key)] TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Validate(programme, month, rules, out var payrollMonth) is { } problem)
        {
            return problem;
        }
        var sheet = await payroll.LinesAsync(programme, payrollMonth, CurrentMonth(clock), cancellationToken);
        return WantsCsv(request) ? CsvOf(programme, payrollMonth, sheet) : TypedResults.Ok(Response(programme, payrollMonth, sheet));
    }

    private static async Task<IResult> Close(string programme, string month, CertificationRules rules, PayrollStore payroll,
        [FromKeyedServices(NodeClock.Key)] TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Validate(programme, month, rules, out var payrollMonth) is { } problem)
        {
            return problem;
        }
        var now = clock.GetUtcNow();
        // Rule 14: a month may be closed from its first instant, not before.
        if (ChinaTime.StartOf(payrollMonth.FirstDay) > now)
        {
            return Problems.Conflict($"The {payrollMonth} payroll cannot be closed before the month begins ({ChinaTime.StartOf(payrollMonth.FirstDay):yyyy-MM-dd'T'HH:mm:sszzz}). Nothing was changed.");
        }
        var sheet = await payroll.CloseAsync(programme, payrollMonth, now, cancellationToken);
        return TypedResults.Ok(Response(programme, payrollMonth, sheet));
    }

    private static IResult? Validate(string programme, string month, CertificationRules rules, out YearMonth payrollMonth)
    {
        if (!YearMonth.TryParse(month, out payrollMonth))
        {
            return Problems.Invalid("month", "must be a month written yyyy-MM, e.g. 2027-04.");
        }
        if (!rules.IsKnownProgramme(programme))
        {
            return Problems.NotFound($"No programme {EvidenceValidation.QuoteCode(programme)} is configured; use a programme code such as pension-employee.");
        }
        if (rules.ProgrammeStart(programme) is { } start && payrollMonth < start)
        {
            return Problems.Invalid("month", $"{payrollMonth} is before {programme} began ({start}); ask for {start} or later.");
        }
        return null;
    }

    private static YearMonth CurrentMonth(TimeProvider clock) => YearMonth.Of(ChinaTime.DateOf(clock.GetUtcNow()));

    private static PayrollResponse Response(string programme, YearMonth month, PayrollSheet sheet)
    {
        decimal Total(string kind) => sheet.Lines.Where(l => l.Kind == kind).Aggregate(0.00m, (sum, l) => sum + l.Amount);
        return new PayrollResponse(programme, month.ToString(), sheet.Closed,
            [.. sheet.Lines.Select(l => new PayrollLineResponse(l.PersonKey, l.Kind, l.Amount, [.. l.Months.Select(MonthText)]))],
            new PayrollTotals(Total("regular"), Total("withheld"), Total("arrears"), Total("estate"), Total("recovery")));
    }

    private static bool WantsCsv(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(Csv, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The bank's file: one header row, then one row per line in a fixed column order. People appear by their masked ID
    /// number only; amounts always with two decimals; a line's months joined by ';'.
    /// </summary>
    private static IResult CsvOf(string programme, YearMonth month, PayrollSheet sheet)
    {
        var csv = new StringBuilder("programme,month,beneficiaryId,maskedIdNumber,kind,amount,months\n");
        foreach (var line in sheet.Lines)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{programme},{month},{line.PersonKey},{line.MaskedIdNumber},{line.Kind},{line.Amount.ToString("0.00", CultureInfo.InvariantCulture)},{string.Join(';', line.Months.Select(MonthText))}\n");
        }
        return TypedResults.Text(csv.ToString(), Csv, Encoding.UTF8);
    }

    private static string MonthText(DateOnly firstDay) => YearMonth.Of(firstDay).ToString();
}
