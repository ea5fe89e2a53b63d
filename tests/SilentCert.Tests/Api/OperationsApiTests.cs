using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SilentCert.Tests.Api.ApiRequests;

namespace SilentCert.Tests.Api;

// Proves a system-clock node's operations endpoints (health, readiness, dashboard, OpenAPI listing the contract) and that it has no clock endpoint.
public sealed class OperationsApiTests(OperationsApiTests.Node node) : IClassFixture<OperationsApiTests.Node>
{
    /// <summary>A node with Clock:Mode=System, as in production (the start instant is then ignored).</summary>
    public sealed class Node() : ApiNode(Local(2026, 1, 1), new Dictionary<string, string?> { ["Clock:Mode"] = "System" });

    private readonly HttpClient _client = node.Client;

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Health_endpoints_answer_200_healthy(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_Orleans_dashboard_answers_with_HTML()
    {
        var response = await _client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OpenAPI_lists_every_endpoint_of_the_contract_with_its_method()
    {
        var response = await _client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        // The project may add endpoints (API.md); these are the ones of the contract so far, spelled as API.md does.
        string[] contract =
        [
            "POST /api/v1/beneficiaries",
            "POST /api/v1/beneficiaries/lookup",
            "GET /api/v1/beneficiaries/{beneficiaryId}",
            "POST /api/v1/evidence",
            "GET /api/v1/notifications",
            "GET /api/v1/cases",
            "POST /api/v1/cases/{caseId}/decision",
            "GET /api/v1/payroll/{programme}/{month}",
            "POST /api/v1/payroll/{programme}/{month}/close",
        ];
        Assert.Subset(operations, contract.ToHashSet(StringComparer.Ordinal));
        Assert.DoesNotContain(operations, o => o.Contains("/admin/clock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_clock_endpoint_is_absent_outside_manual_mode()
    {
        var read = await _client.GetAsync("/api/v1/admin/clock");
        var move = await _client.PostAsJsonAsync("/api/v1/admin/clock", new { now = "2030-01-01T00:00:00+08:00" });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, move.StatusCode);
    }

    [Fact]
    public async Task OpenAPI_describes_responses_with_the_contracts_field_names()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = document.GetProperty("components").GetProperty("schemas");

        string[] Fields(string schema) => [.. schemas.GetProperty(schema).GetProperty("properties").EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["accepted", "duplicates", "unknownPersons", "rejected"], Fields("EvidenceBatchResult"));
        Assert.Equal(["index", "sourceRecordId", "error"], Fields("RejectedRecord"));
        Assert.Subset(Fields("BeneficiaryResponse").ToHashSet(),
            new HashSet<string> { "beneficiaryId", "maskedIdNumber", "region", "flags", "status", "lastCertification", "programmes", "openCase", "history" });
        Assert.Subset(Fields("CaseResponse").ToHashSet(),
            new HashSet<string> { "caseId", "beneficiaryId", "source", "sourceRecordId", "reportedDeathDate", "conflicting", "openedAt" });
        Assert.Equal(["outcome", "deathDate", "note"], Fields("CaseDecisionBody"));
        Assert.Equal(["programme", "month", "closed", "lines", "totals"], Fields("PayrollResponse"));
        Assert.Equal(["beneficiaryId", "kind", "amount", "months"], Fields("PayrollLineResponse"));
    }

    [Fact]
    public async Task Errors_the_framework_writes_also_carry_an_actionable_detail()
    {
        await ProblemAssert.Is(await _client.GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound, "GET", "/openapi/v1.json");
        var notJson = await _client.PostAsync("/api/v1/evidence", new StringContent("records=1", System.Text.Encoding.UTF8, "text/plain"));
        await ProblemAssert.Is(notJson, HttpStatusCode.UnsupportedMediaType, "application/json");
    }
}
