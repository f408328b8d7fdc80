-- $1 the most counted per (version, state), $2 the most versions (the newest).
-- One probe of instances_by_version_state per (version, state), each reading
-- at most $1 index entries: a count that reaches $1 means "at least".
SELECT v.id AS version_id, v.name, v.ir_hash,
    (extract(epoch FROM v.created_at) * 1000)::bigint AS created_at_ms,
    s.state::text AS state, c.count
FROM (
    SELECT id, name, ir_hash, created_at FROM workflow_versions ORDER BY id DESC LIMIT $2
) AS v
CROSS JOIN unnest(enum_range(NULL::instance_state)) AS s (state)
CROSS JOIN LATERAL (
    SELECT count(*) AS count
    FROM (
        SELECT 1 FROM instances AS i
        WHERE i.version_id = v.id AND i.state = s.state
        LIMIT $1
    ) AS capped
) AS c
WHERE c.count > 0
ORDER BY v.name, v.id DESC, s.state
