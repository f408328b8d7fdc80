-- instance_records reads an instance's snapshot by its key. As a plain
-- join, a batch's snapshots may be planned by hashing the whole table; a
-- subquery with a LIMIT is not merged into the join, so each instance's
-- snapshot is one primary-key probe (there is at most one).
CREATE OR REPLACE VIEW instance_records AS
SELECT i.id, i.version_id, i.arguments, i.state,
    s.seq AS snapshot_seq, s.state AS snapshot_state,
    log.seqs, log.operation_ids, log.attempts, log.completions
FROM instances AS i
LEFT JOIN LATERAL (
    SELECT seq, state FROM snapshots WHERE snapshots.instance_id = i.id LIMIT 1
) AS s ON true
CROSS JOIN LATERAL (
    SELECT array_agg(c.seq ORDER BY c.seq) AS seqs,
        array_agg(c.operation_id ORDER BY c.seq) AS operation_ids,
        array_agg(c.attempt ORDER BY c.seq) AS attempts,
        array_agg(c.completion::text ORDER BY c.seq) AS completions
    FROM completions AS c
    WHERE c.instance_id = i.id AND c.seq > coalesce(s.seq, 0)
) AS log;
