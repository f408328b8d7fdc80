-- $1 owner, $2 instance ids, $3 the log position each snapshot covers,
-- $4 states (JSON). A snapshot never replaces a later one.
-- Instances are also looked up by the array of ids: see lease_instances.sql.
INSERT INTO snapshots (instance_id, seq, state)
SELECT b.instance_id::uuid, b.seq, b.state::jsonb
FROM unnest($2::text[], $3::bigint[], $4::text[]) AS b (instance_id, seq, state)
    JOIN instances AS i ON i.id = b.instance_id::uuid AND i.lease_owner = $1 AND i.state = 'running'
WHERE i.id = ANY ($2::text[]::uuid[])
ON CONFLICT (instance_id) DO UPDATE
SET seq = excluded.seq, state = excluded.state, created_at = now()
WHERE snapshots.seq < excluded.seq
RETURNING instance_id::text AS id
