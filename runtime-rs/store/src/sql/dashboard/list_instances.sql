-- $1 workflow name (NULL: any), $2 version id (NULL: any), $3 states, $4 the
-- instance the page continues after (NULL: from the newest), $5 page size,
-- $6 the most versions looked at (the newest).
-- Newest first, by (created_at, id). Each (version, state) asked is one
-- backward range of instances_by_version_state reading at most $5 entries;
-- the merge of those keeps the $5 newest. An anchor that no longer exists
-- (collected meanwhile) gives an empty page.
WITH anchor AS (
    SELECT CASE WHEN $4::uuid IS NULL THEN 'infinity'::timestamptz
                ELSE (SELECT created_at FROM instances WHERE id = $4::uuid) END AS created_at,
        coalesce($4::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid) AS id
), pairs AS (
    SELECT v.id AS version_id, v.name, s.state
    FROM (
        SELECT id, name FROM workflow_versions
        WHERE ($1::text IS NULL OR name = $1) AND ($2::bigint IS NULL OR id = $2)
        ORDER BY id DESC LIMIT $6
    ) AS v
    CROSS JOIN unnest($3::text[]::instance_state[]) AS s (state)
)
SELECT page.id::text AS id, pairs.version_id, pairs.name, page.state::text AS state,
    (extract(epoch FROM page.created_at) * 1000)::bigint AS created_at_ms,
    (extract(epoch FROM page.updated_at) * 1000)::bigint AS updated_at_ms,
    left(page.arguments::text, 160) AS arguments_preview
FROM pairs CROSS JOIN anchor
CROSS JOIN LATERAL (
    SELECT i.id, i.state, i.created_at, i.updated_at, i.arguments
    FROM instances AS i
    WHERE i.version_id = pairs.version_id AND i.state = pairs.state
        AND (i.created_at, i.id) < (anchor.created_at, anchor.id)
    ORDER BY i.created_at DESC, i.id DESC
    LIMIT $5
) AS page
ORDER BY page.created_at DESC, page.id DESC
LIMIT $5
