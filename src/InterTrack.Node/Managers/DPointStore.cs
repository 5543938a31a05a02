using InterTrack.Protocol;
using InterTrack.Protocol.Model;
using Microsoft.Data.Sqlite;

namespace InterTrack.Node.Managers;

/// <summary>The state of a client's trace at the D Point.</summary>
public enum TraceRecordState
{
    Pending,
    Done,
    Failed,
}

/// <summary>A trace as the D Point keeps it.</summary>
public sealed record TraceRecord(long Sequence, string Client, string? MessageId, TraceRecordState State, ResultExport? Result, string? Failure);

/// <summary>
/// The D Point's requests and results in SQLite, so they survive a restart: a completed result
/// is never lost, and a request that was in flight when the D Point stopped is marked failed on
/// start (its ITM answer would go to a connection that no longer exists), not silently dropped.
/// Results are stored as the XML of the ClientTraceReply export.
/// </summary>
public sealed class DPointStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly MessageCodec _codec = new(new ProtocolLimits { MaxMessageBytes = 64 << 20, MaxFootmarks = 1_000_000, MaxAses = 1_000_000 });
    private readonly Lock _lock = new();

    private readonly TimeSpan _keep;
    private long _added;

    /// <param name="keep">How long finished traces (done or failed) are kept: older ones are deleted when the store opens and every 1,000 requests.</param>
    public DPointStore(string path, TimeSpan? keep = null)
    {
        _keep = keep ?? TimeSpan.FromDays(7);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        _db.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS traces (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                client TEXT NOT NULL,
                message_id TEXT UNIQUE,
                state TEXT NOT NULL,
                result BLOB,
                failure TEXT,
                created TEXT NOT NULL,
                finished TEXT);
            UPDATE traces SET state = 'Failed', failure = 'the D Point restarted while the trace was in flight', finished = datetime('now')
                WHERE state = 'Pending';
            """);
        Prune();
    }

    /// <summary>Deletes finished traces older than the time they are kept for; returns how many.</summary>
    public int Prune()
    {
        lock (_lock)
        {
            using var command = _db.CreateCommand();
            command.CommandText = "DELETE FROM traces WHERE state <> 'Pending' AND finished <= datetime('now', $age)";
            command.Parameters.AddWithValue("$age", $"-{(long)_keep.TotalSeconds} seconds");
            return command.ExecuteNonQuery();
        }
    }

    /// <summary>Records a new request; its sequence number is the D Point's handle for it.</summary>
    public long Add(string client)
    {
        if (Interlocked.Increment(ref _added) % 1000 == 0)
        {
            Prune();
        }
        lock (_lock)
        {
            using var command = _db.CreateCommand();
            command.CommandText = "INSERT INTO traces (client, state, created) VALUES ($client, 'Pending', datetime('now')) RETURNING sequence";
            command.Parameters.AddWithValue("$client", client);
            return (long)command.ExecuteScalar()!;
        }
    }

    public void SetMessageId(long sequence, MessageId id) =>
        Update("UPDATE traces SET message_id = $id WHERE sequence = $seq", sequence, ("$id", Key(id)));

    public void Complete(long sequence, ResultExport result) =>
        Update("UPDATE traces SET state = 'Done', result = $result, finished = datetime('now') WHERE sequence = $seq", sequence,
            ("$result", ResultBytes(result)));

    public void Fail(long sequence, string why) =>
        Update("UPDATE traces SET state = 'Failed', failure = $why, finished = datetime('now') WHERE sequence = $seq AND state = 'Pending'",
            sequence, ("$why", why));

    public TraceRecord? Find(MessageId id) => FindByKey(Key(id));

    /// <summary>Finds a trace by the text form of its message id ("AS65001/sec.usec").</summary>
    public TraceRecord? FindByKey(string messageId) => Select("WHERE message_id = $value", messageId) is [var one] ? one.Item1 : null;

    /// <summary>The newest traces first, at most <paramref name="limit"/>, with when they were asked and finished (UTC).</summary>
    public IReadOnlyList<(TraceRecord Trace, DateTime Created, DateTime? Finished)> Recent(int limit) =>
        Select("ORDER BY sequence DESC LIMIT $value", limit);

    /// <summary>One trace by the D Point's sequence number, with when it was asked and finished (UTC).</summary>
    public (TraceRecord Trace, DateTime Created, DateTime? Finished)? Get(long sequence) =>
        Select("WHERE sequence = $value", sequence) is [var one] ? one : null;

    private List<(TraceRecord, DateTime, DateTime?)> Select(string clause, object value)
    {
        lock (_lock)
        {
            using var command = _db.CreateCommand();
            command.CommandText = $"SELECT sequence, client, message_id, state, result, failure, created, finished FROM traces {clause}";
            command.Parameters.AddWithValue("$value", value);
            using var reader = command.ExecuteReader();
            var traces = new List<(TraceRecord, DateTime, DateTime?)>();
            while (reader.Read())
            {
                var record = new TraceRecord(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    Enum.Parse<TraceRecordState>(reader.GetString(3)), reader.IsDBNull(4) ? null : ReadResult((byte[])reader[4]),
                    reader.IsDBNull(5) ? null : reader.GetString(5));
                traces.Add((record, Utc(reader.GetString(6)), reader.IsDBNull(7) ? null : Utc(reader.GetString(7))));
            }
            return traces;
        }
    }

    private static DateTime Utc(string sqliteTime) =>
        DateTime.SpecifyKind(DateTime.Parse(sqliteTime, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    /// <summary>The stored key of a message id: origin AS and sequence time.</summary>
    public static string Key(MessageId id) => id.ToString();

    // A result is kept as a whole TraceResultExport message, so the stored form is the validated wire form.
    private byte[] ResultBytes(ResultExport result) =>
        _codec.Encode(new TraceResultExport(NeighborNode.ForItm(1), NeighborNode.ForItm(1), result));

    private ResultExport ReadResult(byte[] bytes) => ((TraceResultExport)_codec.Decode(bytes)).Export;

    private void Update(string sql, long sequence, (string Name, object Value) parameter)
    {
        lock (_lock)
        {
            using var command = _db.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$seq", sequence);
            command.Parameters.AddWithValue(parameter.Name, parameter.Value);
            command.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _db.Dispose();
}
