using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SilentCert.Domain;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Api;

/// <summary>Request bodies in the wire format of API.md, and the calls the API tests repeat.</summary>
public static class ApiRequests
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>An enrolment body with every field; tests remove or change fields to make it invalid or partial.</summary>
    public static JsonObject EnrolmentBody(IdNumber id, DateOnly enrolledOn, string programme = "pension-employee",
        decimal monthlyAmount = 3200.00m, string? startMonth = null, string[]? flags = null, string name = "张三") => new()
    {
        ["idNumber"] = id.Value,
        ["name"] = name,
        ["region"] = id.Region,
        ["phone"] = "13800000000",
        ["flags"] = new JsonArray([.. (flags ?? []).Select(f => (JsonNode)f)]),
        ["enrolments"] = new JsonArray(new JsonObject
        {
            ["programme"] = programme,
            ["monthlyAmount"] = monthlyAmount,
            ["startMonth"] = startMonth ?? Month(enrolledOn),
        }),
        ["enrolledOn"] = Date(enrolledOn),
    };

    /// <summary>Enrols a new person and returns their beneficiary ID, failing unless the answer is 201.</summary>
    public static async Task<string> Enrol(this HttpClient client, JsonObject body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/beneficiaries", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString()!;
    }

    public static Task<string> Enrol(this HttpClient client, IdNumber id, DateOnly enrolledOn) =>
        client.Enrol(EnrolmentBody(id, enrolledOn));

    public static async Task<JsonElement> View(this HttpClient client, string beneficiaryId)
    {
        var response = await client.GetAsync($"/api/v1/beneficiaries/{beneficiaryId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The view as raw text, to show that a refused request changed nothing at all.</summary>
    public static async Task<string> ViewText(this HttpClient client, string beneficiaryId) =>
        (await client.View(beneficiaryId)).GetRawText();

    public static JsonObject Record(string source, string? sourceRecordId, string idNumber, string observedAt,
        string? region = null, string? deathDate = null)
    {
        var record = new JsonObject { ["source"] = source, ["sourceRecordId"] = sourceRecordId, ["idNumber"] = idNumber, ["observedAt"] = observedAt };
        if (region is not null) record["region"] = region;
        if (deathDate is not null) record["deathDate"] = deathDate;
        return record;
    }

    public static Task<HttpResponseMessage> SendEvidence(this HttpClient client, params JsonNode?[] records) =>
        client.PostAsJsonAsync("/api/v1/evidence", new JsonObject { ["records"] = new JsonArray(records) });

    /// <summary>Sends a batch and returns its 200 answer { accepted, duplicates, unknownPersons, rejected }.</summary>
    public static async Task<JsonElement> SendEvidenceOk(this HttpClient client, params JsonNode?[] records)
    {
        var response = await client.SendEvidence(records);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Posts text as it is, with a JSON content type: for bodies no serializer would write.</summary>
    public static Task<HttpResponseMessage> PostRaw(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Month(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static DateTimeOffset Local(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, China);

    /// <summary>The one-screen view's events in order, e.g. [enrolled, renewed].</summary>
    public static string[] Events(JsonElement view) =>
        [.. view.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()!)];

    public static Task<long> Count(this TestDatabase database, string sql, params object[] parameters) =>
        database.ScalarAsync<long>(sql, parameters);
}
