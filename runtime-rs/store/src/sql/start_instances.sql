-- $1 version ids, $2 arguments (codec JSON), $3 the work channel.
-- Ids are drawn first so that they come back in the order of the batch.
WITH batch AS (
    SELECT gen_random_uuid() AS id, version_id, arguments, n
    FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS b (version_id, arguments, n)
), inserted AS (
    INSERT INTO instances (id, version_id, arguments)
    SELECT id, version_id, arguments::jsonb FROM batch
)
SELECT batch.id::text AS id
FROM batch CROSS JOIN (SELECT pg_notify($3, '')) AS notified
ORDER BY batch.n
