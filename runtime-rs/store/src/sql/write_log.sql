-- The lease holder's log writes, in one statement (one commit): $1 owner;
-- completions to append, one array per column: $2 instance ids, $3
-- operation ids, $4 attempts, $5 completions (JSON); instances to finish:
-- $6 ids, $7 final states, $8 outcomes (codec JSON); $9 the finished
-- channel. Writes only to instances the owner holds (every CTE sees them as
-- the statement began, so an instance's last completion and its finish can
-- travel together). An (instance, operation, attempt) already in the log is
-- left as it is. A finished instance's timers go, and waiters are told the
-- finished ids in one notification per hundred (a payload stays under
-- Postgres's 8000 bytes). Instances are also looked up by the array of
-- ids (`id = ANY`): see lease_instances.sql.
WITH batch AS (
    SELECT instance_id::uuid AS instance_id, operation_id, attempt, completion, n
    FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])
        WITH ORDINALITY AS b (instance_id, operation_id, attempt, completion, n)
), held AS (
    SELECT batch.*
    FROM batch JOIN instances AS i
        ON i.id = batch.instance_id AND i.lease_owner = $1 AND i.state = 'running'
    WHERE i.id = ANY ($2::text[]::uuid[])
), appended AS (
    INSERT INTO completions (instance_id, operation_id, attempt, completion)
    SELECT instance_id, operation_id, attempt, completion::jsonb FROM held ORDER BY n
    ON CONFLICT DO NOTHING
    RETURNING instance_id, operation_id, attempt, seq
), finished AS (
    UPDATE instances AS i
    SET state = b.state::instance_state, outcome = b.outcome::jsonb,
        lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL, updated_at = now()
    FROM unnest($6::text[], $7::text[], $8::text[]) AS b (instance_id, state, outcome)
    WHERE i.id = ANY ($6::text[]::uuid[]) AND i.id = b.instance_id::uuid
        AND i.lease_owner = $1 AND i.state = 'running'
    RETURNING i.id
), timers_gone AS (
    DELETE FROM timers AS t USING finished AS f WHERE t.instance_id = f.id
), notified AS (
    SELECT pg_notify($9, string_agg(id::text, ','))
    FROM (SELECT id, (row_number() OVER () - 1) / 100 AS chunk FROM finished) AS f
    GROUP BY chunk
)
SELECT held.n, appended.seq, NULL::text AS finished
FROM held LEFT JOIN appended USING (instance_id, operation_id, attempt)
UNION ALL
SELECT NULL, NULL, finished.id::text
FROM finished CROSS JOIN (SELECT count(*) FROM notified) AS sent
