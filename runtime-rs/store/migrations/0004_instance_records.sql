-- What rebuilds an instance, as one row: its version and arguments, its
-- latest snapshot and the log after it (one array per column, in log
-- order; NULL when empty). The lease query and load_instances read it, so a
-- lease hands the leaser everything it needs in one round trip.
CREATE VIEW instance_records AS
SELECT i.id, i.version_id, i.arguments, i.state,
    s.seq AS snapshot_seq, s.state AS snapshot_state,
    log.seqs, log.operation_ids, log.attempts, log.completions
FROM instances AS i
LEFT JOIN snapshots AS s ON s.instance_id = i.id
CROSS JOIN LATERAL (
    SELECT array_agg(c.seq ORDER BY c.seq) AS seqs,
        array_agg(c.operation_id ORDER BY c.seq) AS operation_ids,
        array_agg(c.attempt ORDER BY c.seq) AS attempts,
        array_agg(c.completion::text ORDER BY c.seq) AS completions
    FROM completions AS c
    WHERE c.instance_id = i.id AND c.seq > coalesce(s.seq, 0)
) AS log;
