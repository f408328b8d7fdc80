-- $1 owner, then one array per column: $2 instance ids, $3 operation ids,
-- $4 attempts, $5 delays in milliseconds from now. A timer already recorded
-- keeps its deadline. Returns each held timer's milliseconds left (0 when due).
-- Instances are also looked up by the array of ids: see lease_instances.sql.
WITH batch AS (
    SELECT instance_id::uuid AS instance_id, operation_id, attempt, delay_ms
    FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[])
        AS b (instance_id, operation_id, attempt, delay_ms)
), held AS (
    SELECT batch.* FROM batch JOIN instances AS i
        ON i.id = batch.instance_id AND i.lease_owner = $1 AND i.state = 'running'
    WHERE i.id = ANY ($2::text[]::uuid[])
), recorded AS (
    INSERT INTO timers (instance_id, operation_id, attempt, due_at)
    SELECT instance_id, operation_id, attempt, now() + delay_ms * interval '1 millisecond'
    FROM held
    ON CONFLICT (instance_id, operation_id, attempt)
        DO UPDATE SET due_at = timers.due_at
    RETURNING instance_id, operation_id, attempt, due_at
)
SELECT instance_id::text AS instance_id, operation_id, attempt,
    GREATEST(0, ceil(extract(epoch FROM due_at - now()) * 1000))::bigint AS left_ms
FROM recorded
