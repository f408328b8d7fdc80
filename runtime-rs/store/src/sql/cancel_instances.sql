-- $1 instance ids, $2 the finished channel, told each cancelled instance's id.
-- Ends the instances that have not finished: state 'cancelled', no outcome,
-- no lease, no wake time, their timers gone. Whoever holds one finds out at
-- its next write (every write requires state 'running'). An instance that
-- has finished (or is unknown) is left as it is and not returned.
WITH cancelled AS (
    UPDATE instances
    SET state = 'cancelled', outcome = NULL,
        lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL, updated_at = now()
    WHERE id = ANY ($1::uuid[]) AND state IN ('queued', 'running', 'sleeping')
    RETURNING id
), timers_gone AS (
    DELETE FROM timers WHERE instance_id IN (SELECT id FROM cancelled)
)
SELECT cancelled.id::text AS id
FROM cancelled CROSS JOIN LATERAL (SELECT pg_notify($2, cancelled.id::text)) AS notified
