using System.Net;
using System.Text.Json;

namespace SilentCert.Tests.Api;

/// <summary>Checks the shape API.md gives every error: problem+json whose detail names the field at fault.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> Is(HttpResponseMessage response, HttpStatusCode status, params string[] detailMentions)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString()!;
        // Read by data clerks: whole sentences, not "required.. Nothing was changed."
        Assert.DoesNotContain("..", detail, StringComparison.Ordinal);
        foreach (var mention in detailMentions)
        {
            Assert.Contains(mention, detail, StringComparison.Ordinal);
        }
        return problem;
    }

    /// <summary>ID numbers never come back in an answer: not in the detail, not anywhere in the body.</summary>
    public static async Task NeverRepeats(HttpResponseMessage response, params string[] idNumbers)
    {
        var text = await response.Content.ReadAsStringAsync();
        foreach (var idNumber in idNumbers)
        {
            Assert.DoesNotContain(idNumber, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
