-- $1 owner, $2 instance ids, $3 lease duration in milliseconds.
UPDATE instances
SET lease_expires_at = now() + $3 * interval '1 millisecond', updated_at = now()
WHERE id = ANY ($2::uuid[]) AND lease_owner = $1 AND state = 'running'
RETURNING id::text AS id
