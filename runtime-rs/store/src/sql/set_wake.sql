-- $1 owner, $2 instance ids, $3 delays in milliseconds from now. The
-- instances sleep until then, holding no lease; a leaser takes them when due.
-- Instances are also looked up by the array of ids: see lease_instances.sql.
UPDATE instances AS i
SET state = 'sleeping', wake_at = now() + b.delay_ms * interval '1 millisecond',
    lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
FROM unnest($2::text[], $3::bigint[]) AS b (instance_id, delay_ms)
WHERE i.id = ANY ($2::text[]::uuid[]) AND i.id = b.instance_id::uuid
    AND i.lease_owner = $1 AND i.state = 'running'
RETURNING i.id::text AS id
