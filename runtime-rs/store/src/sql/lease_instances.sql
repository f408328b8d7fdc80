-- $1 owner, $2 limit, $3 lease duration in milliseconds. Takes the
-- instances runnable now (queued, a timer due, a lease run out), oldest first,
-- skipping those another leaser is taking at this moment.
WITH picked AS (
    SELECT id, state AS previous_state
    FROM instances
    WHERE runnable_at <= now()
    ORDER BY runnable_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE instances AS i
SET state = 'running',
    lease_owner = $1,
    lease_expires_at = now() + $3 * interval '1 millisecond',
    updated_at = now()
FROM picked
WHERE i.id = picked.id
RETURNING i.id::text AS id, i.version_id, picked.previous_state::text AS previous_state,
    (extract(epoch FROM i.wake_at) * 1000)::bigint AS wake_at_ms
