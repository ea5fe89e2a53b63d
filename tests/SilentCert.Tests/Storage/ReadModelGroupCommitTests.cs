using Npgsql;
using SilentCert.Data;
using SilentCert.Tests.Infrastructure;

namespace SilentCert.Tests.Storage;

// Proves the read model's set-based writes on PostgreSQL: publications made together (written in batches: BatcherTests)
// are each written exactly as published; a publication that cannot be written fails alone and the others of its batch
// are written; evidence is marked applied only for the person that applied it.
public sealed class ReadModelGroupCommitTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly TestDatabase _database = TestDatabase.Create();
    private readonly ReadModel _readModel;

    public ReadModelGroupCommitTests() => _readModel = new ReadModel(NpgsqlDataSource.Create(_database.ConnectionString));

    private static BeneficiarySnapshot Person(int n, int version, string region = "340102") => new(
        $"ben-group-{n}", "340102********0011", region, "certified", null, null, null, version,
        [new EnrolmentSnapshot("pension", "certified", new DateOnly(2027, 1, 1).AddDays(n), null, 100m + n, new DateOnly(2026, 1, 1), null, false)], [], []);

    [Fact]
    public async Task Publications_made_together_are_each_written_as_published()
    {
        await Task.WhenAll(Enumerable.Range(1, 300).Select(n => _readModel.PublishAsync(Person(n, 1), [], Now)));

        Assert.Equal(300L, await _database.ScalarAsync<long>("select count(*) from beneficiary where person_key like 'ben-group-%'"));
        Assert.Equal(300L, await _database.ScalarAsync<long>(
            "select count(*) from enrolment_status where person_key = 'ben-group-' || (monthly_amount - 100)::int and deadline = date '2027-01-01' + (monthly_amount - 100)::int"));
    }

    [Fact]
    public async Task A_publication_that_cannot_be_written_fails_alone()
    {
        var good = Enumerable.Range(1, 20).Select(n => _readModel.PublishAsync(Person(n, 1), [], Now)).ToList();
        // A region is six digits: the column refuses seven, and with it this one publication.
        var bad = _readModel.PublishAsync(Person(99, 1, region: "3401021"), [], Now);

        await Task.WhenAll(good);
        await Assert.ThrowsAsync<PostgresException>(() => bad);
        Assert.Equal(20L, await _database.ScalarAsync<long>("select count(*) from beneficiary where person_key like 'ben-group-%'"));
        Assert.Equal(0L, await _database.ScalarAsync<long>("select count(*) from enrolment_status where person_key = 'ben-group-99'"));
    }

    [Fact]
    public async Task Evidence_is_marked_applied_only_for_the_person_that_applied_it()
    {
        await _database.ScalarAsync<long>("""
            insert into evidence_log (source, source_record_id, person_key, observed_at, negative, received_at)
            values ('medical-visit', 'r1', 'ben-group-1', now(), false, now()), ('medical-visit', 'r2', 'ben-group-2', now(), false, now())
            returning 0::bigint
            """);
        var seqs = await _database.ScalarAsync<long[]>("select array_agg(seq order by source_record_id) from evidence_log");

        // Person 1 names both rows; only its own is marked. Person 2 changed nothing and marks its own.
        await Task.WhenAll(
            _readModel.PublishAsync(Person(1, 1), [], Now, [seqs![0], seqs[1]]),
            _readModel.MarkAppliedAsync("ben-group-3", [seqs[1]], Now));
        Assert.Equal("r1", await _database.ScalarAsync<string>("select string_agg(source_record_id, ',') from evidence_log where applied"));

        await _readModel.MarkAppliedAsync("ben-group-2", [seqs[1]], Now);
        Assert.Equal(2L, await _database.ScalarAsync<long>("select count(*) from evidence_log where applied"));
    }
}
