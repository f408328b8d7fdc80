-- $1 owner, $2 limit, $3 lease duration in milliseconds. Takes the
-- instances runnable now (queued, a timer due, a lease run out), oldest first,
-- skipping those another leaser is taking at this moment, and returns what
-- rebuilds each (instance_records), so a lease is one round trip. Both
-- lookups by id also name the ids as an array (`id = ANY`): that is a
-- primary-key probe for the batch's ids whatever the planner estimates of
-- the join, which it otherwise may plan by hashing the whole table.
WITH picked AS (
    SELECT id, state AS previous_state
    FROM instances
    WHERE runnable_at <= now()
    ORDER BY runnable_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), leased AS (
    UPDATE instances AS i
    SET state = 'running',
        lease_owner = $1,
        lease_expires_at = now() + $3 * interval '1 millisecond',
        updated_at = now()
    FROM picked
    WHERE i.id = ANY (ARRAY(SELECT id FROM picked)) AND i.id = picked.id
    RETURNING i.id, i.wake_at, picked.previous_state
)
SELECT r.id::text AS id, r.version_id, r.arguments::text AS arguments,
    'running' AS state, l.previous_state::text AS previous_state,
    (extract(epoch FROM l.wake_at) * 1000)::bigint AS wake_at_ms,
    r.snapshot_seq, r.snapshot_state::text AS snapshot_state,
    r.seqs, r.operation_ids, r.attempts, r.completions
FROM leased AS l JOIN instance_records AS r USING (id)
WHERE r.id = ANY (ARRAY(SELECT id FROM leased))
