using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.EndToEnd;

/// <summary>
/// Walks one whole node (the real Program, manual clock, fresh database) through the fifteen months of the cast over
/// HTTP only, with the expectation model beside it, and writes down every place where the product and the rules part.
/// It runs once for the test class; the facts read what it found. Time moves only through the manual clock.
/// </summary>
public sealed class FifteenMonthsWalk : IAsyncLifetime
{
    private const int MaxLinesKept = 300;

    private readonly NodeFactory _node = new(Timeline.Start, extra: Cast.ProvinceSettings);
    private readonly Dictionary<string, string> _beneficiaryIds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _noted = new(StringComparer.Ordinal);
    private HttpClient _client = null!;

    public IReadOnlyList<Person> People { get; } = Cast.Everyone();

    /// <summary>Where the product disagrees with the hand-worked table or the model (rules 1-10, warnings only for rule 8).</summary>
    public List<string> Disagreements { get; } = [];

    /// <summary>Where the product disagrees with rule 8's visit tasks.</summary>
    public List<string> VisitTaskDisagreements { get; } = [];

    public int DisagreementCount { get; private set; }

    public Dictionary<string, PersonState> Final { get; } = new(StringComparer.Ordinal);

    public int Stops { get; private set; }

    public int Comparisons { get; private set; }

    public int HandChecks { get; private set; }

    public int EvidenceRecords { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        _client = _node.CreateClient();
        var model = new ExpectationModel(Cast.ProgrammeCaps);
        var acts = Timeline.Acts(People);
        var checks = Timeline.Checks(People);
        var lastCompared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stop in Timeline.Stops(People))
        {
            Stops++;
            if (stop > Timeline.Start)
            {
                await MoveClock(stop);
            }
            model.Evaluate(stop);

            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (person, act) in acts[stop].Where(a => a.Act is EnrolAct))
            {
                var created = model.Enrol(person, (EnrolAct)act);
                await Enrol(person, (EnrolAct)act, created, stop);
                touched.Add(person.Code);
            }
            var batch = Timeline.Batch(acts[stop]);
            if (batch.Count > 0)
            {
                var expected = model.Receive(stop, batch);
                await SendEvidence(batch, expected, stop);
                touched.UnionWith(batch.Select(b => b.Person.Code));
            }

            var handChecks = checks[stop].ToLookup(c => c.Person.Code, c => c.Check);
            foreach (var person in People.Where(p => model.IsEnrolled(p.Code)))
            {
                var expected = model.StateOf(person.Code, stop);
                var key = $"{expected.Headline} w{expected.Warnings.Count} d{expected.Decisions.Count}";
                var due = touched.Contains(person.Code) || handChecks.Contains(person.Code) || Timeline.IsMonthStart(stop)
                    || stop == Timeline.End || !lastCompared.TryGetValue(person.Code, out var last) || last != key;
                if (!due)
                {
                    continue;
                }
                lastCompared[person.Code] = key;
                var actual = await ProductState(person);
                Comparisons++;
                foreach (var line in Differences.Of(expected, actual))
                {
                    Note(stop, person, "model: " + line);
                }
                foreach (var check in handChecks[person.Code])
                {
                    HandChecks++;
                    foreach (var line in Differences.Of(check, actual))
                    {
                        Note(stop, person, "hand-worked: " + line);
                    }
                }
                if (stop == Timeline.End)
                {
                    Final[person.Code] = actual;
                    foreach (var line in Differences.OfFinal(person, actual))
                    {
                        Note(stop, person, "hand-worked: " + line);
                    }
                }
            }
        }
        CheckVisitTasks(model);
        Elapsed = watch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _node.DisposeAsync();
    }

    /// <summary>Midnights go as UTC instants (1 December 00:00 in China is 2026-11-30T16:00:00Z), the rest in China time.</summary>
    private async Task MoveClock(DateTimeOffset stop)
    {
        var text = stop == When.Midnight(When.LocalDate(stop))
            ? stop.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : stop.ToOffset(When.China).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var response = await _client.PostAsJsonAsync("/api/v1/admin/clock", new { now = text });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Moving the clock to {text} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task Enrol(Person person, EnrolAct act, bool created, DateTimeOffset stop)
    {
        var body = new JsonObject
        {
            ["idNumber"] = person.Id.Value,
            ["name"] = "测试" + person.Code,
            ["region"] = person.Id.Region,
            ["phone"] = "13800000000",
            ["enrolments"] = new JsonArray([.. act.Programmes.Select(p => (JsonNode)new JsonObject
            {
                ["programme"] = p,
                ["monthlyAmount"] = Cast.MonthlyAmounts[p],
                ["startMonth"] = act.At.ToOffset(When.China).ToString("yyyy-MM", CultureInfo.InvariantCulture),
            })]),
            ["enrolledOn"] = When.Text(act.EnrolledOn),
        };
        if (act.Flags is not null)
        {
            body["flags"] = new JsonArray([.. act.Flags.Select(f => (JsonNode)f)]);
        }
        var response = await _client.PostAsJsonAsync("/api/v1/beneficiaries", body);
        var expected = created ? HttpStatusCode.Created : HttpStatusCode.OK;
        if (response.StatusCode != expected)
        {
            // Rule 5 says an enrolment certifies; a refused one leaves nothing to walk with.
            throw new InvalidOperationException($"{person.Code}: enrolment answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
        }
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("beneficiaryId").GetString()!;
        if (_beneficiaryIds.TryGetValue(person.Code, out var known) && known != id)
        {
            Note(stop, person, $"update answered beneficiary {id}, enrolment gave {known}");
        }
        _beneficiaryIds[person.Code] = id;
    }

    private async Task SendEvidence(List<(Person Person, EvidenceRecord Record)> batch, BatchOutcome expected, DateTimeOffset stop)
    {
        var records = new JsonArray();
        foreach (var (person, record) in batch)
        {
            var node = new JsonObject
            {
                ["source"] = record.Source,
                ["sourceRecordId"] = record.RecordId,
                ["idNumber"] = person.Id.Value,
                ["observedAt"] = record.ObservedAt,
                ["region"] = person.Id.Region,
            };
            if (record.DeathDate is not null)
            {
                node["deathDate"] = record.DeathDate;
            }
            records.Add(node);
        }
        EvidenceRecords += batch.Count;
        var response = await _client.PostAsJsonAsync("/api/v1/evidence", new JsonObject { ["records"] = records });
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Evidence at {When.Text(stop)} answered {(int)response.StatusCode}: {text}");
        }
        var answer = JsonSerializer.Deserialize<JsonElement>(text);
        var actual = new BatchOutcome(
            answer.GetProperty("accepted").GetInt32(),
            answer.GetProperty("duplicates").GetInt32(),
            answer.GetProperty("unknownPersons").GetInt32(),
            [.. answer.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()).Order()]);
        if (actual.ToString() != expected.ToString())
        {
            Note(stop, batch[0].Person, $"evidence batch of {batch.Count} ({string.Join(", ", batch.Select(b => b.Record.RecordId))}) answered {actual}, expected {expected}: {text}");
        }
    }

    private async Task<PersonState> ProductState(Person person)
    {
        var id = _beneficiaryIds[person.Code];
        var view = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/beneficiaries/{id}");
        var notes = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/notifications?beneficiaryId={id}");
        var programmes = view.GetProperty("programmes").EnumerateArray().Select(p => new ProgrammeState(
            p.GetProperty("programme").GetString()!,
            p.GetProperty("status").GetString()!,
            When.Date(p.GetProperty("deadline").GetString()!),
            DateOrNull(p.GetProperty("suspendedFrom")))).ToList();
        string[] decisions = ["warned", "overdue", "suspended", "resumed"];
        var history = view.GetProperty("history").EnumerateArray()
            .Where(h => decisions.Contains(h.GetProperty("event").GetString()))
            .Select(h =>
            {
                var kind = h.GetProperty("event").GetString()!;
                return new Decision(kind, h.GetProperty("programme").GetString()!,
                    kind == "resumed" ? null : DateOrNull(h.GetProperty("deadline")),
                    h.GetProperty("daysBefore").ValueKind == JsonValueKind.Number ? h.GetProperty("daysBefore").GetInt32() : null,
                    DateOrNull(h.GetProperty("effectiveFrom")),
                    h.GetProperty("at").GetDateTimeOffset());
            }).ToList();
        var warnings = new List<WarningNote>();
        var others = new List<OtherNote>();
        foreach (var note in notes.EnumerateArray())
        {
            var kind = note.GetProperty("kind").GetString()!;
            var createdAt = note.GetProperty("createdAt").GetDateTimeOffset();
            var deadline = note.TryGetProperty("deadline", out var d) ? DateOrNull(d) : null;
            if (kind == "warning")
            {
                var days = note.GetProperty("daysBefore");
                warnings.Add(new WarningNote(deadline ?? DateOnly.MinValue, days.ValueKind == JsonValueKind.Number ? days.GetInt32() : -1, createdAt,
                    note.TryGetProperty("programmes", out var p) ? [.. p.EnumerateArray().Select(x => x.GetString()!).Order(StringComparer.Ordinal)] : []));
            }
            else
            {
                others.Add(new OtherNote(kind, deadline, createdAt));
            }
        }
        var last = view.GetProperty("lastCertification");
        var lastText = last.ValueKind == JsonValueKind.Object
            ? $"{last.GetProperty("source").GetString()} {last.GetProperty("observedOn").GetString()} {last.GetProperty("strength").GetString()}"
            : "-";
        return new PersonState(view.GetProperty("status").GetString()!, lastText, programmes, warnings, history, others);
    }

    /// <summary>Rule 8's visit tasks, in the cases every reading of the rule agrees on (see <see cref="ExpectationModel"/>).</summary>
    private void CheckVisitTasks(ExpectationModel model)
    {
        foreach (var task in model.VisitTasks)
        {
            var notes = Final[task.Person].OtherNotes.Where(n => n.Kind == "visit-task").ToList();
            var forDeadline = notes.Where(n => n.Deadline == task.Deadline || (n.Deadline is null && n.CreatedAt == task.FirstWarnedAt)).ToList();
            if (task.Expected && !forDeadline.Any(n => n.CreatedAt == task.FirstWarnedAt))
            {
                VisitTaskDisagreements.Add($"{task.Person}: no visit-task created at {When.Text(task.FirstWarnedAt)} with the first warning for deadline " +
                    $"{When.Text(task.Deadline)} ({task.Why}); visit tasks seen: [{string.Join("; ", notes.Select(n => $"{When.Text(n.Deadline)} at {When.Text(n.CreatedAt)}"))}]");
            }
            if (!task.Expected && forDeadline.Count > 0)
            {
                VisitTaskDisagreements.Add($"{task.Person}: unexpected visit-task for deadline {When.Text(task.Deadline)} ({task.Why})");
            }
        }
    }

    /// <summary>Keeps the first time a difference shows; the same difference on later days is counted, not repeated.</summary>
    private void Note(DateTimeOffset stop, Person person, string line)
    {
        DisagreementCount++;
        if (_noted.Add($"{person.Code}: {line}") && Disagreements.Count < MaxLinesKept)
        {
            Disagreements.Add($"[{When.Text(stop)}] {person.Code} ({person.Exercises}): {line}");
        }
    }

    private static DateOnly? DateOrNull(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? When.Date(element.GetString()!) : null;
}
