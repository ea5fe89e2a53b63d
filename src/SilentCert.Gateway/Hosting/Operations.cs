using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;
using SilentCert.Data;
using SilentCert.Domain;

namespace SilentCert.Gateway.Hosting;

/// <summary>
/// Before the silo starts: applies the schema migrations, then checks that this node makes beneficiary IDs with the
/// same pseudonym key as the nodes before it.
/// </summary>
public sealed partial class DatabaseMigration(IConfiguration configuration, Pseudonymizer pseudonyms, NodeSettings settings,
    ILogger<DatabaseMigration> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (configuration.GetValue("Database:MigrateOnStart", true))
        {
            Migrator.Apply(SilentCertHost.ConnectionString(configuration), message => LogMigration(logger, message));
        }
        var fixedFingerprint = await settings.FixAsync("pseudonym-key-fingerprint", pseudonyms.Fingerprint, cancellationToken);
        if (fixedFingerprint != pseudonyms.Fingerprint)
        {
            throw new InvalidOperationException(
                $"This node's pseudonym key (fingerprint {pseudonyms.Fingerprint}) is not the one this database's beneficiary IDs were made " +
                $"with (fingerprint {fixedFingerprint}): every person would get a new ID. Configure the original Pseudonym:Key.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Migration: {Message}")]
    private static partial void LogMigration(ILogger logger, string message);
}

/// <summary>Ready when this silo is an active cluster member and the database answers.</summary>
public sealed class ReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails silo, ReadModel readModel) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"silo is {status}");
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await readModel.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (UnavailableExceptionHandler.IsUnavailable(e) || e is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}

/// <summary>
/// Turns "the database or cluster is not there" into 503 problem+json, and unreadable request bodies into 400 naming
/// the place in the JSON. Everything else stays a 500.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string title, detail;
        if (exception is BadHttpRequestException bad)
        {
            status = StatusCodes.Status400BadRequest;
            title = "Malformed request";
            detail = bad.InnerException is System.Text.Json.JsonException json
                ? $"The body is not valid JSON for this endpoint at {json.Path ?? "$"} (line {json.LineNumber + 1}): fix that value and send again. Nothing was changed."
                : $"{bad.Message} Nothing was changed.";
        }
        else if (IsUnavailable(exception))
        {
            status = StatusCodes.Status503ServiceUnavailable;
            title = "Temporarily unavailable";
            detail = "SilentCert cannot reach its database or cluster right now. Nothing that was not acknowledged was kept; send the request again in a minute.";
            httpContext.Response.Headers.RetryAfter = "30";
        }
        else
        {
            return false;
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
            Exception = exception,
        });
    }

    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException or SocketException or TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
                || (e is OrleansException && e.Message.Contains("storage", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsUnavailable))
            {
                return true;
            }
        }
        return false;
    }
}
