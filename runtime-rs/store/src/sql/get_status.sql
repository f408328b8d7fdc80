-- $1 instance ids.
SELECT id::text AS id, version_id, state::text AS state, outcome::text AS outcome,
    (extract(epoch FROM created_at) * 1000)::bigint AS created_at_ms,
    (extract(epoch FROM updated_at) * 1000)::bigint AS updated_at_ms
FROM instances
WHERE id = ANY ($1::uuid[])
