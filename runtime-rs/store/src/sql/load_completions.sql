-- $1 instance ids, $2 the log position each one's snapshot covers (0: none).
SELECT c.instance_id::text AS instance_id, c.seq, c.operation_id, c.attempt, c.completion::text AS completion
FROM unnest($1::uuid[], $2::bigint[]) AS b (instance_id, after_seq)
    JOIN completions AS c ON c.instance_id = b.instance_id AND c.seq > b.after_seq
ORDER BY c.instance_id, c.seq
