-- $1 owner, then one array per column: $2 instance ids, $3 operation ids,
-- $4 attempts, $5 completions (JSON). Appends only to instances the owner
-- holds; an (instance, operation, attempt) already in the log is left as it is.
WITH batch AS (
    SELECT instance_id::uuid AS instance_id, operation_id, attempt, completion, n
    FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])
        WITH ORDINALITY AS b (instance_id, operation_id, attempt, completion, n)
), held AS (
    SELECT batch.*
    FROM batch JOIN instances AS i
        ON i.id = batch.instance_id AND i.lease_owner = $1 AND i.state = 'running'
), appended AS (
    INSERT INTO completions (instance_id, operation_id, attempt, completion)
    SELECT instance_id, operation_id, attempt, completion::jsonb FROM held ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING instance_id, operation_id, attempt, seq
)
SELECT held.n, appended.seq
FROM held LEFT JOIN appended USING (instance_id, operation_id, attempt)
