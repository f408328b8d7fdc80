-- $1 retention in milliseconds, $2 batch size. Deletes up to $2 finished
-- instances last updated more than $1 ago, with their rows in every table
-- keyed by instance; workflow versions stay. SKIP LOCKED: an instance another
-- transaction holds is left for the next cycle, and two collectors never
-- wait on each other.
WITH doomed AS (
    SELECT id FROM instances
    WHERE state IN ('completed', 'failed', 'cancelled')
      AND updated_at < now() - $1::bigint * interval '1 millisecond'
    ORDER BY updated_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
),
completions_gone AS (
    DELETE FROM completions WHERE instance_id IN (SELECT id FROM doomed)
),
snapshots_gone AS (
    DELETE FROM snapshots WHERE instance_id IN (SELECT id FROM doomed)
),
timers_gone AS (
    DELETE FROM timers WHERE instance_id IN (SELECT id FROM doomed)
),
instances_gone AS (
    DELETE FROM instances WHERE id IN (SELECT id FROM doomed) RETURNING id
)
SELECT count(*) FROM instances_gone
