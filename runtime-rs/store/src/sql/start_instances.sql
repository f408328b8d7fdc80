-- $1 version ids, $2 arguments (codec JSON), $3 idempotency keys (NULL for
-- none), $4 the work channel.
-- Ids are drawn first so that they come back in the order of the batch. A
-- keyed start claims its (workflow name, key) first: DO UPDATE (not DO
-- NOTHING) waits for a concurrent claim of the same key to commit and
-- returns its instance, so two racing starts never make two instances. The
-- first start of a key within the batch claims it; later ones share it.
WITH batch AS (
    SELECT gen_random_uuid() AS id, b.version_id, b.arguments, b.key, b.n, v.name
    FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY
        AS b (version_id, arguments, key, n)
    LEFT JOIN workflow_versions v ON v.id = b.version_id
), keyed AS (
    SELECT DISTINCT ON (name, key) name, key, id
    FROM batch
    WHERE key IS NOT NULL
    ORDER BY name, key, n
), claimed AS (
    INSERT INTO idempotency_keys (workflow_name, key, instance_id)
    SELECT name, key, id FROM keyed
    ON CONFLICT (workflow_name, key)
        DO UPDATE SET instance_id = idempotency_keys.instance_id
    RETURNING workflow_name, key, instance_id
), resolved AS (
    SELECT batch.n, batch.version_id, batch.arguments, batch.id AS fresh,
        coalesce(claimed.instance_id, batch.id) AS id
    FROM batch
    LEFT JOIN claimed ON claimed.workflow_name = batch.name AND claimed.key = batch.key
), inserted AS (
    INSERT INTO instances (id, version_id, arguments)
    SELECT id, version_id, arguments::jsonb FROM resolved WHERE id = fresh
)
SELECT resolved.id::text AS id, resolved.id <> resolved.fresh AS existing
FROM resolved CROSS JOIN (SELECT pg_notify($4, '')) AS notified
ORDER BY resolved.n
