-- $1 instance id: its durable timers (sleeps, backoffs), soonest first.
SELECT operation_id, attempt, (extract(epoch FROM due_at) * 1000)::bigint AS due_at_ms
FROM timers
WHERE instance_id = $1::uuid
ORDER BY due_at
