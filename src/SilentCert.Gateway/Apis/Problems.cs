using SilentCert.Domain;

namespace SilentCert.Gateway.Apis;

/// <summary>problem+json responses whose detail a data clerk can act on; each names the fields at fault.</summary>
public static class Problems
{
    public static IResult Invalid(IReadOnlyCollection<FieldError> errors) =>
        TypedResults.Problem(
            detail: string.Join("; ", errors.Select(e => e.ToString().TrimEnd('.'))) + ". Nothing was changed.",
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid request",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            });

    public static IResult Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
