-- $1 owner, $2 instance ids, $3 the work channel. Gives instances back to
-- the queue, runnable at once by any leaser.
WITH released AS (
    UPDATE instances
    SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = ANY ($2::uuid[]) AND lease_owner = $1 AND state = 'running'
    RETURNING id::text AS id
)
SELECT released.id FROM released CROSS JOIN (SELECT pg_notify($3, '')) AS notified
