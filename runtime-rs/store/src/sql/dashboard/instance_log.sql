-- $1 instance id, $2 the most entries: its completion log from the start, in
-- order (completions_in_order).
SELECT seq, operation_id, attempt, completion::text AS completion,
    (extract(epoch FROM created_at) * 1000)::bigint AS created_at_ms
FROM completions
WHERE instance_id = $1::uuid
ORDER BY seq
LIMIT $2
