-- $1 instance ids.
SELECT i.id::text AS id, i.version_id, i.arguments::text AS arguments, i.state::text AS state,
    s.seq AS snapshot_seq, s.state::text AS snapshot_state
FROM instances AS i LEFT JOIN snapshots AS s ON s.instance_id = i.id
WHERE i.id = ANY ($1::uuid[])
